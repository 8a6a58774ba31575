/**
 * The trace view's header and result panel at the end of a run (bug list 6.6/6.7 of issue 12):
 * a server that reports ~0 durations, the live token estimate vs the server's count, the
 * cut-off note while still thinking, and "1 episodes".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Window } from 'happy-dom';
import type { Trace } from '../../src/core/trace';
import { finalElapsed, stateFromTrace } from '../../webview/trace/model/live-trace';

const win = new Window();
const g = globalThis as Record<string, unknown>;
for (const key of ['Document', 'document', 'customElements', 'HTMLElement', 'Element', 'Node', 'CSSStyleSheet', 'ShadowRoot', 'MutationObserver', 'navigator', 'requestAnimationFrame', 'getComputedStyle']) {
  if (g[key] === undefined) g[key] = (win as unknown as Record<string, unknown>)[key];
}
g.window ??= win;
g.requestAnimationFrame ??= (f: () => void) => setTimeout(f, 0);

function trace(over: Partial<Trace> = {}): Trace {
  return {
    version: 1,
    id: 't1',
    problem: 'What is 2 + 2?',
    model: 'qwen3:8b',
    gold: '4',
    source: { kind: 'live' },
    thinking: 'Two plus two is four.',
    response: '\\boxed{4}',
    episodes: [{ index: 0, start: 0, end: 21, text: 'Two plus two is four.', tokens: 6, labels: [], verdict: 'correct', answer: '4' }],
    final: { answer: '4', correct: true },
    metrics: { thinkingTokens: 6, responseTokens: 4, episodes: 1, firstCorrectEpisode: 0, tokensAfterFirstCorrect: 0, durationMs: 3, evalTokens: 400, tokensPerSecond: 250_000 },
    ...over,
  } as Trace;
}

test('a server duration far below the wall clock the view saw is replaced by the wall clock, and said so', () => {
  assert.deepEqual(finalElapsed(3, 20_000), { elapsedMs: 20_000, elapsedSource: 'wall-clock' });
  assert.deepEqual(finalElapsed(19_000, 20_000), { elapsedMs: 19_000, elapsedSource: 'server' });
  assert.deepEqual(finalElapsed(3, null), { elapsedMs: 3, elapsedSource: 'server' }, 'a file opened later has only the server time');
});

test('header: "(wall clock)" after such a run, the live token count labelled an estimate, "1 episode"', async () => {
  const { elapsedText, tokenText } = await import('../../webview/trace/ui/header');
  const live = { ...stateFromTrace(trace(), true, 'thinking'), elapsedMs: 12_000 };
  assert.match(tokenText(live).text, /^≈6 thinking \(live estimate\) · 4 answer tokens · 1 episode$/);
  const done = { ...stateFromTrace(trace(), false, 'done'), ...finalElapsed(3, 20_000) };
  assert.match(elapsedText(done).text, /^20 ?s \(wall clock\)$/);
  // qwen3:8b names no tokenizer family we measured: the estimate, said as such (never "the server's").
  assert.match(tokenText(done).text, /^6 thinking \(estimate\) · /);
  assert.match(tokenText(done).title, /^Our estimate .*"qwen3:8b" does not say which tokenizer/);
});

test('token counts name their counter: the model tokenizer, or the estimate corrected by the family ratio the tokenizer bench measured', async () => {
  const { tokenText } = await import('../../webview/trace/ui/header');
  const { ESTIMATE_CORRECTIONS } = await import('../../src/core/token-families');
  const base = trace();
  const big = { ...base, metrics: { ...base.metrics, thinkingTokens: 9000, evalTokens: 9500 } };
  const llama = stateFromTrace({ ...big, model: 'deepseek-ai/DeepSeek-R1-Distill-Llama-8B' }, false, 'done');
  assert.equal(tokenText(llama).text.split(' · ')[0], `≈${Math.round(9000 * ESTIMATE_CORRECTIONS['llama3.1'].factor)} thinking (Llama 3.1 tokens, corrected estimate)`);
  assert.match(tokenText(llama).title, /our estimate 9000 × 0\.889, the median tokenizer\/estimate ratio over 20 real R1-Distill-Llama-8B traces.*The server counted 9500 generated tokens/);
  const qwen = stateFromTrace({ ...big, model: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-14B' }, false, 'done');
  assert.match(tokenText(qwen).text, /^≈9156 thinking \(Qwen2\.5 tokens, corrected estimate\)/);
  const counted = stateFromTrace({ ...big, model: 'deepseek-ai/DeepSeek-R1-Distill-Llama-8B', metrics: { ...big.metrics, tokenCounter: 'tokenizer:llama3.1' } }, false, 'done');
  assert.match(tokenText(counted).text, /^9000 thinking · /, 'a tokenizer count is shown as it is');
  assert.match(tokenText(counted).title, /^Counted by the model's own tokenizer \(llama3\.1\)/);
});

test('result: speed from the wall clock when the server\'s is impossible; no "cut off" note while still thinking', async () => {
  const { SummaryPanel, runSpeed } = await import('../../webview/trace/ui/summary-panel');
  assert.equal(runSpeed(trace(), 20_000), '20.0 tokens/s (wall clock; the server\'s timing was implausible)');
  assert.equal(runSpeed(trace({ metrics: { ...trace().metrics, tokensPerSecond: 21 } }), 20_000), '21.0 tokens/s');
  const panel = new SummaryPanel(() => undefined);
  panel.update(trace({ truncated: true }), true);
  assert.doesNotMatch(panel.element.textContent ?? '', /cut off/, 'a live trace is still thinking');
  panel.update(trace({ truncated: true }), false);
  assert.match(panel.element.textContent ?? '', /cut off/);
});
