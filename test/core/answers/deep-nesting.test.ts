// Issue 9 case 7: answers are capped before any parsing. \boxed{} nested 10k/30k deep (or an
// answer of megabytes) gets a clear verdict in milliseconds, never a stack overflow or a wait
// past --timeout.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkEquivalence, MAX_ANSWER_CHARS, MAX_ANSWER_NESTING } from '../../../src/core/answers';
import { cliBundle, runCli } from '../../cli/helpers';

const nested = (depth: number, inner = '1'): string => '\\boxed{'.repeat(depth) + inner + '}'.repeat(depth);

describe('case 7: deep and huge answers', () => {
  test('the limits are named', () => {
    assert.equal(MAX_ANSWER_NESTING, 200);
    assert.equal(MAX_ANSWER_CHARS, 10_000);
  });

  for (const depth of [1_000, 10_000, 30_000]) {
    test(`\\boxed nested ${depth} deep: "answer too deeply nested" in milliseconds`, () => {
      for (const [gold, pred] of [['1', nested(depth)], [nested(depth), '1']]) {
        const started = performance.now();
        const v = checkEquivalence(gold, pred, { timeoutMs: 2000 });
        const took = performance.now() - started;
        assert.equal(v.equivalent, false);
        assert.match(v.reason, /too deeply nested|too long/);
        // Bounded by a scan of the text: far below a second even on a loaded machine (it was 50 s).
        assert.ok(took < 1000, `took ${took.toFixed(0)} ms`);
      }
    });
  }

  test('just inside the limits still compares', () => {
    assert.equal(checkEquivalence('1', nested(50)).equivalent, false); // compared, not refused
    assert.doesNotMatch(checkEquivalence('1', nested(50)).reason, /too deeply nested/);
    assert.equal(checkEquivalence('\\frac{1}{2}', '0.5').equivalent, true);
  });

  test('a 1 MB answer: "answer too long" at once', () => {
    const started = performance.now();
    const v = checkEquivalence('1', '1+'.repeat(500_000) + '1');
    assert.match(v.reason, /too long \(1000001 characters; limit 10000\)/);
    assert.ok(performance.now() - started < 1000);
  });

  test('grade --timeout is enforced end to end: a 30k-deep line is graded at once', { timeout: 30_000 }, async () => {
    const line = JSON.stringify({ gold: '1', pred: nested(30_000) });
    await cliBundle(); // built once per process: not part of what is timed
    const started = Date.now();
    const r = await runCli(['grade', '-', '--timeout', '200'], { stdin: `${line}\n${JSON.stringify({ gold: '2', pred: '2' })}\n` });
    const took = Date.now() - started;
    assert.doesNotMatch(r.stderr, /Maximum call stack/);
    const verdicts = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { equivalent: boolean; reason: string });
    assert.equal(verdicts.length, 2);
    assert.match(verdicts[0].reason, /too deeply nested/);
    assert.equal(verdicts[1].equivalent, true);
    assert.ok(took < 10_000, `took ${took} ms`);
  });
});
