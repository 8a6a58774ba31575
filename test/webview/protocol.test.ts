import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isSafeExternalUrl, parseWebviewMessage } from '../../src/shared/protocol';

test('accepts every well-formed webview message and returns a clean copy', () => {
  const good = [
    { type: 'ready' },
    { type: 'stop' },
    { type: 'rerun', budget: { maxThinkingTokens: 4000, minThinkingTokens: 100, extensions: 2, maxEpisodes: 30, earlyStop: { window: 3, plateau: 0.05 }, vote: { n: 5, m: 3, adaptive: true }, think: 'high' }, probe: { samples: 4 }, model: 'qwen3:0.6b' },
    { type: 'rerun', budget: {}, probe: false },
    { type: 'annotate-progress', probe: { samples: 8 } },
    { type: 'export', format: 'jsonl' },
    { type: 'copy-episode', index: 3 },
    { type: 'open-link', url: 'https://example.org/x' },
    { type: 'select-trace', index: 0 },
    { type: 'shown', traceId: 'solve-1', episodes: 12, live: true },
    { type: 'log', level: 'warn', message: 'katex failed' },
  ];
  for (const msg of good) {
    const result = parseWebviewMessage(msg);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.message, msg);
  }
});

test('drops unknown message fields instead of passing them through; an unknown budget field is refused by the budget parser', () => {
  const result = parseWebviewMessage({ type: 'rerun', budget: { maxThinkingTokens: 10 }, probe: false, extra: true });
  assert.ok(result.ok);
  assert.deepEqual(result.message, { type: 'rerun', budget: { maxThinkingTokens: 10 }, probe: false });
  const evil = parseWebviewMessage({ type: 'rerun', budget: { maxThinkingTokens: 10, __proto__x: 1, evil: 'x' }, probe: false });
  assert.ok(!evil.ok && /rerun\.budget\.__proto__x: unknown field/.test(evil.error) && /rerun\.budget\.evil: unknown field/.test(evil.error), JSON.stringify(evil));
});

test('rejects malformed messages naming the field', () => {
  const cases: [unknown, string][] = [
    [null, '(root)'],
    [{ type: 'nope' }, 'type'],
    [{ type: 'export', format: 'csv' }, 'export.format'],
    [{ type: 'copy-episode', index: -1 }, 'copy-episode.index'],
    [{ type: 'copy-episode', index: 1.5 }, 'copy-episode.index'],
    [{ type: 'open-link', url: 'javascript:alert(1)' }, 'open-link.url'],
    [{ type: 'open-link', url: 'command:workbench.action.quit' }, 'open-link.url'],
    [{ type: 'rerun', budget: { maxThinkingTokens: 'lots' }, probe: false }, 'rerun.budget.maxThinkingTokens'],
    [{ type: 'rerun', budget: { minThinkingTokens: 500, maxThinkingTokens: 100 }, probe: false }, 'rerun.budget.minThinkingTokens'],
    [{ type: 'rerun', budget: { vote: { n: 3, m: 4 } }, probe: false }, 'rerun.budget.vote.m'],
    [{ type: 'rerun', budget: { think: 'max' }, probe: false }, 'rerun.budget.think'],
    [{ type: 'rerun', budget: {}, probe: { samples: 0 } }, 'rerun.probe.samples'],
    [{ type: 'log', level: 'debug', message: '' }, 'log.level'],
    [{ type: 'shown', traceId: 'x', episodes: -1, live: false }, 'shown.episodes'],
    [{ type: 'shown', traceId: 7, episodes: 1, live: false }, 'shown.traceId'],
    [{ type: 'shown', traceId: 'x', episodes: 1 }, 'shown.live'],
  ];
  for (const [msg, field] of cases) {
    const result = parseWebviewMessage(msg);
    assert.equal(result.ok, false, JSON.stringify(msg));
    if (!result.ok) assert.ok(result.error.includes(field), `${result.error} should name ${field}`);
  }
});

test('never throws on arbitrary JSON input', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), fc.record({ type: fc.constantFrom('rerun', 'export', 'open-link', 'log', 'copy-episode'), budget: fc.jsonValue(), probe: fc.jsonValue(), url: fc.jsonValue(), index: fc.jsonValue(), level: fc.jsonValue(), message: fc.jsonValue(), format: fc.jsonValue() })), (value) => {
      const result = parseWebviewMessage(value);
      assert.equal(typeof result.ok, 'boolean');
    }),
    { numRuns: 2000 },
  );
});

test('only http(s) and mailto links leave the webview', () => {
  assert.ok(isSafeExternalUrl('http://a.b'));
  assert.ok(isSafeExternalUrl('mailto:x@y.z'));
  for (const bad of ['file:///etc/passwd', 'vscode://x', 'data:text/html,hi', 'not a url', '']) assert.equal(isSafeExternalUrl(bad), false, bad);
});
