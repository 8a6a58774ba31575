import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { terminalSafe, terminalSafeLine } from '../../src/core/terminal-text';

test('escape sequences are removed whole', () => {
  assert.equal(terminalSafe('a\u001b[31mred\u001b[0m b'), 'ared b');
  assert.equal(terminalSafe('x\u001b]0;pwned title\u0007y'), 'xy');
  assert.equal(terminalSafe('x\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\y'), 'xlinky');
  assert.equal(terminalSafe('x\u001bPq#0;2;0;0;0\u001b\\y'), 'xy');
  assert.equal(terminalSafe('x\u009b2Jy'), 'xy');
  assert.equal(terminalSafe('x\u001bcy'), 'xy');
});

test('other control characters become U+FFFD; tab, newline and text stay', () => {
  assert.equal(terminalSafe('a\u0007b\rc\u0000d\te\nf\u007f'), 'a\ufffdb\ufffdc\ufffdd\te\nf\ufffd');
  assert.equal(terminalSafe('π ≈ 3.14159, \\boxed{42} 答案'), 'π ≈ 3.14159, \\boxed{42} 答案');
  assert.equal(terminalSafeLine('a\n\tb'), 'a b');
});

test('for every string: no control character but tab and newline survives', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
      const out = terminalSafe(s);
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(out), JSON.stringify(out));
      assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(terminalSafeLine(s)));
    }),
    { numRuns: 500 },
  );
});
