import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotateTrace } from '../../src/core/annotate';
import { packTrace, unpackTrace } from '../../src/shared/wire-trace';

const para = (s: string) => `${s} ${'We multiply the two numbers carefully, digit by digit, and keep track of every carry so nothing is lost. '.repeat(3)}`;
const raw = `<think>${para('Let me compute 6 * 7. That is 42.')}\n\n${para('Wait, check: 7 * 6 = 42. Yes.')}\n\n${para('Alternatively, 6 * 7 = 40 + 2 = 42.')}\n\n${para('Hmm, so the answer is 42.')}</think>The answer is \\boxed{42}.`;

test('the load payload carries the thinking once: episode texts that are slices of it are left out and come back equal', () => {
  const trace = annotateTrace({ problem: 'What is 6 * 7?', raw, gold: '42', source: { kind: 'test' } });
  assert.ok(trace.episodes.length >= 2, 'a trace with several episodes');
  const wire = packTrace(trace);
  assert.ok(wire.episodes.every((e) => e.text === undefined), 'every text is a slice of the thinking');
  // What the page receives is a structured clone; JSON is the same shape.
  const sent = JSON.stringify(wire).length;
  assert.ok(sent < JSON.stringify(trace).length - trace.episodes.reduce((n, e) => n + e.text.length, 0) * 0.9, 'the texts are not sent twice');
  assert.deepEqual(unpackTrace(JSON.parse(JSON.stringify(wire))), trace);
  assert.equal(trace.episodes[0].text.length > 0, true, 'packing did not touch the original');
});

test('an episode whose text is not its slice of the thinking keeps its text', () => {
  const trace = annotateTrace({ problem: 'What is 6 * 7?', raw, gold: '42', source: { kind: 'test' } });
  trace.episodes[1] = { ...trace.episodes[1], text: 'edited by hand' };
  const wire = packTrace(trace);
  assert.equal(wire.episodes[1].text, 'edited by hand');
  assert.equal(wire.episodes[0].text, undefined);
  assert.deepEqual(unpackTrace(JSON.parse(JSON.stringify(wire))), trace);
});

test('an episode without text and offsets outside the thinking is refused with its position', () => {
  const trace = annotateTrace({ problem: 'What is 6 * 7?', raw, gold: '42', source: { kind: 'test' } });
  const wire = JSON.parse(JSON.stringify(packTrace(trace))) as ReturnType<typeof packTrace>;
  wire.episodes[1].end = trace.thinking.length + 5;
  assert.throws(() => unpackTrace(wire), /^Error: load: episodes\[1\]: no text, and \[start, end\) = \[\d+, \d+\) is not inside the thinking \(\d+ characters\)$/);
});
