import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { InlineThinkSplitter, splitThinking } from '../../src/core/thinking';
import { REAL_TRACE_COUNT, loadRealTraces, recordedStreams } from './segment-data';
import { dataPath, skipWithoutData } from '../support/shared-data';

test('think tags, prompt before <think> dropped, response trimmed', () => {
  const r = splitThinking('Problem: 1+1? Solution: \n<think>\nOkay, 1+1=2.\n</think>\n\nThe answer is \\boxed{2}.');
  assert.deepEqual(r, { thinking: '\nOkay, 1+1=2.\n', response: 'The answer is \\boxed{2}.', truncated: false, format: 'think-tags' });
});

test('missing opening tag (template injected it)', () => {
  const r = splitThinking('Okay, so...\n</think>\n\nAnswer: 4');
  assert.deepEqual(r, { thinking: 'Okay, so...\n', response: 'Answer: 4', truncated: false, format: 'think-close-only' });
});

test('cut off before the end of thinking', () => {
  assert.deepEqual(splitThinking('<think>\nLet me see, wait'), { thinking: '\nLet me see, wait', response: '', truncated: true, format: 'think-tags' });
  assert.deepEqual(splitThinking('<|begin_of_thought|>\n\nSo I have'), { thinking: '\n\nSo I have', response: '', truncated: true, format: 'sky-t1' });
  const h = splitThinking('<|channel|>analysis<|message|>We need to');
  assert.equal(h.truncated, true);
  assert.equal(h.thinking, 'We need to');
  assert.equal(h.response, '');
});

test('Sky-T1 markup: response is the solution content', () => {
  const r = splitThinking('<|begin_of_thought|>\n\nthink\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\nsol \\boxed{3}<|end_of_solution|>');
  assert.deepEqual(r, { thinking: '\n\nthink\n\n', response: 'sol \\boxed{3}', truncated: false, format: 'sky-t1' });
});

test('harmony: analysis is thinking, final is the answer', () => {
  const raw = '<|start|>assistant<|channel|>analysis<|message|>User wants 3 words.<|end|><|start|>assistant<|channel|>final<|message|>fluffy, playful, curious<|return|>';
  assert.deepEqual(splitThinking(raw), { thinking: 'User wants 3 words.', response: 'fluffy, playful, curious', truncated: false, format: 'harmony' });
  const noFinal = splitThinking('<|channel|>analysis<|message|>thinking done<|end|>');
  assert.equal(noFinal.truncated, true);
});

test('plain text and BOM', () => {
  assert.deepEqual(splitThinking('\uFEFF just an answer '), { thinking: '', response: 'just an answer', truncated: false, format: 'plain' });
  assert.equal(splitThinking('\uFEFF<think>a</think>b').thinking, 'a');
});

test('real traces: thinking found in every file; Thought Anchors full_cot and solution agree', { skip: skipWithoutData('traces') }, () => {
  const traces = loadRealTraces();
  assert.equal(traces.length, REAL_TRACE_COUNT);
  const byName = new Map(traces.map((t) => [t.name, t]));
  for (const t of traces) {
    assert.ok(t.thinking.length > 1000, `${t.name}: thinking found`);
    assert.ok(!/<\/?think>|<\|(begin|end)_of_thought\|>/.test(t.thinking), `${t.name}: no markup left in thinking`);
    if (t.name.endsWith('#full_cot')) {
      const sol = byName.get(t.name.replace('#full_cot', '#solution'))!;
      assert.equal(sol.thinking.trim(), t.thinking.trim(), t.name);
    }
  }
  // Sky-T1 traces that hit the token cap have no end of thought (PROVENANCE: "many").
  assert.ok(traces.filter((t) => t.source === 'skythought' && t.truncated).length > 10);
  // 9 of the cots-math traces are cut off (PROVENANCE).
  assert.equal(traces.filter((t) => t.source === 'thought-anchors-cots-math' && t.truncated).length, 9);
});

/** Whole-text vs chunked split must agree. */
function runInline(chunks: string[], startInThinking = false): { thinking: string; content: string } {
  const s = new InlineThinkSplitter({ startInThinking });
  let thinking = '';
  let content = '';
  for (const c of chunks) {
    const d = s.push(c);
    thinking += d.thinking;
    content += d.content;
  }
  const d = s.finish();
  return { thinking: thinking + d.thinking, content: content + d.content };
}

test('inline splitter: tags split across chunks, nothing dropped', () => {
  const text = '<think>\nhmm </thi nk> is not a tag\n</think>\n\nanswer with </think> inside';
  for (let cut = 0; cut <= text.length; cut++) {
    for (let cut2 = cut; cut2 <= text.length; cut2 += 7) {
      const r = runInline([text.slice(0, cut), text.slice(cut, cut2), text.slice(cut2)]);
      assert.deepEqual(r, { thinking: '\nhmm </thi nk> is not a tag\n', content: '\n\nanswer with </think> inside' });
    }
  }
  const s = new InlineThinkSplitter();
  assert.equal(s.sawThinkTags, false);
  s.push('<thi');
  s.push('nk>x');
  assert.equal(s.sawThinkTags, true);
});

test('inline splitter: no tags means content; startInThinking reads up to </think>', () => {
  assert.deepEqual(runInline(['Just ', 'an answer <think> late']), { thinking: '', content: 'Just an answer <think> late' });
  assert.deepEqual(runInline(['<thi']), { thinking: '', content: '<thi' });
  assert.deepEqual(runInline(['Okay so', ' 2+2=4</th', 'ink>\n\n4'], true), { thinking: 'Okay so 2+2=4', content: '\n\n4' });
  assert.deepEqual(runInline(['thinking cut </th'], true), { thinking: 'thinking cut </th', content: '' });
});

test('inline splitter agrees with splitThinking for any chunking (fast-check)', () => {
  const piece = fc.constantFrom('<think>', '</think>', '<', '/', 'think', '>', ' ', '\n', 'a', 'Wait');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }), fc.array(fc.nat({ max: 200 })), (parts, cutList) => {
      const text = '<think>' + parts.join('');
      const cuts = [...new Set(cutList.filter((c) => c < text.length))].sort((a, b) => a - b);
      const chunks: string[] = [];
      let pos = 0;
      for (const c of [...cuts, text.length]) {
        chunks.push(text.slice(pos, c));
        pos = c;
      }
      const r = runInline(chunks);
      const whole = splitThinking(text);
      assert.equal(r.thinking, whole.thinking);
      if (!whole.truncated) assert.equal(r.content.trim(), whole.response);
      else assert.equal(r.content, '');
    }),
    { numRuns: 2000 },
  );
});

const streamsDir = dataPath('ollama', 'recorded-streams');

test('recorded Ollama streams: inline <think> chunks split like the whole text', { skip: skipWithoutData('ollama', 'recorded-streams') }, () => {
  let inlineStreams = 0;
  for (const f of readdirSync(streamsDir).filter((n) => n.endsWith('.md'))) {
    for (const stream of recordedStreams(path.join(streamsDir, f))) {
      const chunks = stream.map((o) => String(o.response ?? ''));
      const joined = chunks.join('');
      if (!joined.includes('</think>')) continue;
      inlineStreams++;
      const whole = splitThinking(joined);
      // One recording starts mid-thinking, like a template that injected <think> itself.
      const r = runInline(chunks, !joined.trimStart().startsWith('<think>'));
      assert.equal(r.thinking, whole.thinking, f);
      assert.equal(r.content.trim(), whole.response, f);
      assert.ok(whole.thinking.trim().length > 0 && whole.response.length > 0, f);
    }
  }
  assert.equal(inlineStreams, 6, 'inline-think streams: deepseek-r1:14b, qwen3:1.7b and qwen3:8b, each a demo and a debug run');
});
