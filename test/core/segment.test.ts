import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { segmentThinking, StreamingSegmenter, MRT_MARKERS, type Segment, type SegmentOptions } from '../../src/core/segment/index';
import { REAL_TRACE_COUNT, loadRealTraces, thoughtAnchorsProblemDirs } from './segment-data';
import { skipWithoutData } from '../support/shared-data';

/** Contiguity and slice invariants every segmentation must satisfy. */
function assertCovers(text: string, segs: Segment[], where = ''): void {
  let pos = 0;
  segs.forEach((s, k) => {
    assert.equal(s.index, k, `${where} index`);
    assert.equal(s.start, pos, `${where} segment ${k} starts where the previous ended`);
    assert.ok(s.end > s.start, `${where} segment ${k} is not empty`);
    assert.equal(s.text, text.slice(s.start, s.end), `${where} segment ${k} text is the slice`);
    pos = s.end;
  });
  assert.equal(pos, text.length, `${where} segments cover the text`);
}

/** Direct port of MRT's break_into_meta_steps (algorithms.md §1.2), used as the oracle. */
function mrtReference(text: string, maxSteps = Infinity, markers: readonly string[] = MRT_MARKERS): string[] {
  const steps = text.split('\n\n');
  const episodes: string[] = [];
  let prev = 0;
  for (let i = 0; i < steps.length; i++) {
    if (episodes.length >= maxSteps) break;
    if (!markers.some((m) => steps[i].startsWith(m))) continue;
    if (prev === i || prev === i - 1 || prev === i - 2) continue;
    episodes.push(steps.slice(prev, i).join('\n\n').replace(/\n+$/, ''));
    prev = i;
  }
  episodes.push(steps.slice(prev).join('\n\n').replace(/\n+$/, ''));
  return episodes;
}

const para = (s: string[]) => s.join('\n\n');

test('mrt: behaviour check of algorithms.md §1.2', () => {
  const ps = ['P0', 'P1', 'Wait A', 'P3', 'P4', 'Wait B', 'Alternatively C', 'P7', 'P8', 'But wait D', 'P10'];
  const text = para(ps);
  const segs = segmentThinking(text, { mode: 'mrt' });
  assertCovers(text, segs);
  assert.deepEqual(
    segs.map((s) => s.text),
    [para(ps.slice(0, 5)) + '\n\n', para(ps.slice(5, 9)) + '\n\n', para(ps.slice(9))],
  );
  assert.deepEqual(segs.map((s) => s.opener), [undefined, 'Wait', 'But wait']);
  assert.deepEqual(segs.map((s) => s.text.replace(/\n+$/, '')), mrtReference(text));
});

test('mrt: markers are case-sensitive prefixes of "\\n\\n" paragraphs only', () => {
  const text = para(['a', 'b', 'c', 'wait, lower case', 'd', 'e', 'f', '**Wait**', 'g', 'h', 'i\nWait on a single newline', 'j']);
  assert.equal(segmentThinking(text, { mode: 'mrt' }).length, 1);
});

test('mrt: maxSteps caps boundaries, groupSize merges episodes', () => {
  const ps: string[] = [];
  for (let k = 0; k < 10; k++) ps.push(`Wait ${k}`, 'x', 'y');
  const text = para(ps);
  assert.equal(segmentThinking(text, { mode: 'mrt' }).length, 10);
  const capped = segmentThinking(text, { mode: 'mrt', maxSteps: 4 });
  assert.equal(capped.length, 5);
  assertCovers(text, capped);
  assert.deepEqual(capped.map((s) => s.text.replace(/\n+$/, '')), mrtReference(text, 4));
  const grouped = segmentThinking(text, { mode: 'mrt', groupSize: 3 });
  assert.equal(grouped.length, 4);
  assertCovers(text, grouped);
  // Paragraph 0 can never open an episode, so the first group has no opener.
  assert.deepEqual(grouped.map((s) => s.opener), [undefined, 'Wait', 'Wait', 'Wait']);
  assert.equal(grouped[3].text, para(ps.slice(27)));
});

test('options are validated with clear messages', () => {
  assert.throws(() => new StreamingSegmenter({ groupSize: 0 }), /groupSize must be an integer >= 1/);
  assert.throws(() => new StreamingSegmenter({ maxSteps: -1 }), /maxSteps/);
  assert.throws(() => new StreamingSegmenter({ mode: 'words' as never }), /unknown segmentation mode "words"/);
});

test('empty text gives no segments; whitespace-only text gives one', () => {
  for (const mode of ['mrt', 'auto', 'sentence'] as const) {
    assert.deepEqual(segmentThinking('', { mode }), []);
    const ws = segmentThinking('\n\n  \n', { mode });
    assertCovers('\n\n  \n', ws, mode);
    assert.equal(ws.length, 1);
  }
});

test('auto: tolerant markers, minimum episode size', () => {
  const filler = 'Some computation that is long enough to count as real work in an episode. '.repeat(3);
  const ps = [filler, filler, filler, '**Wait**, that is wrong.', filler, '- hmm, let me see', filler, filler, filler, '> Hold on.', 'x'];
  const text = para(ps);
  const segs = segmentThinking(text);
  assertCovers(text, segs);
  // "- hmm" comes only two paragraphs after "**Wait**": absorbed by the 3-paragraph minimum.
  assert.deepEqual(segs.map((s) => s.opener), [undefined, 'Wait', 'Hold on']);
  assert.equal(segmentThinking(para(['a', 'b', 'c', 'Waiting is not a marker', 'd'])).length, 1);
  assert.equal(segmentThinking(para(['a', 'b', 'c', 'Wait.'])).length, 1, 'episode of 5 characters is below minChars');
  assert.equal(segmentThinking(para(['a', 'b', 'c', 'Wait.']), { minChars: 0 }).length, 2);
  assert.equal(segmentThinking(para(['a', 'b', 'c', 'wait', 'd']), { markers: ['Hmm'], minChars: 0 }).length, 1);
});

test('CRLF paragraphs and a BOM are handled', () => {
  const filler = 'Long enough paragraph of ordinary reasoning text to pass the size minimum. '.repeat(3);
  const text = '\uFEFF' + [filler, filler, filler, 'Wait, check.', filler].join('\r\n\r\n');
  const segs = segmentThinking(text);
  assertCovers(text, segs);
  assert.deepEqual(segs.map((s) => s.opener), [undefined, 'Wait']);
  assert.ok(segs[1].text.startsWith('Wait'));
  const mrt = segmentThinking(text, { mode: 'mrt' });
  assert.deepEqual(mrt.map((s) => s.opener), [undefined, 'Wait']);
});

test('sentence: Thought Anchors boundaries, short chunks merged, last text kept', () => {
  const text = 'First sentence here. Ok. Then a longer one follows! And?\n\nA new paragraph without end';
  const segs = segmentThinking(text, { mode: 'sentence' });
  assertCovers(text, segs);
  assert.deepEqual(
    segs.map((s) => s.text),
    ['First sentence here. ', 'Ok. Then a longer one follows! ', 'And?\n\nA new paragraph without end'],
  );
  const tail = segmentThinking('A complete sentence. Short', { mode: 'sentence' });
  assert.deepEqual(tail.map((s) => s.text), ['A complete sentence. Short']);
});

/** Port of Thought Anchors' split_solution_into_chunks (dataset version, keeps the last chunk). */
function taReference(text: string): string[] {
  const t = text.trim();
  const chunks: string[] = [];
  let cur = '';
  for (let i = 0; i < t.length; i++) {
    cur += t[i];
    const para = t.startsWith('\n\n', i) || t.startsWith('\r\n\r\n', i);
    const sent = i < t.length - 1 && '.?!'.includes(t[i]) && (t[i + 1] === ' ' || t[i + 1] === '\n');
    if ((para || sent) && cur.trim()) {
      chunks.push(cur.trim());
      cur = '';
    }
  }
  if (cur.trim()) chunks.push(cur.trim());
  let i = 0;
  while (i < chunks.length) {
    if (chunks[i].length < 10) {
      if (i === chunks.length - 1) {
        if (i > 0) {
          chunks[i - 1] = chunks[i - 1] + ' ' + chunks[i];
          chunks.pop();
        }
      } else {
        chunks[i + 1] = chunks[i] + ' ' + chunks[i + 1];
        chunks.splice(i, 1);
      }
      if (i === 0 && chunks.length === 1) break;
    } else i++;
  }
  return chunks;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

function streamed(text: string, opts: SegmentOptions, sizes: (k: number) => number): Segment[] {
  const s = new StreamingSegmenter(opts);
  const out: Segment[] = [];
  let pos = 0;
  let k = 0;
  while (pos < text.length) {
    const n = Math.max(1, sizes(k++));
    out.push(...s.push(text.slice(pos, pos + n)));
    pos += n;
  }
  out.push(...s.finish());
  assert.equal(s.text, text);
  assert.equal(s.open, null);
  return out;
}

test('real traces: mrt equals the MRT oracle; sentence equals the Thought Anchors oracle', { skip: skipWithoutData('traces') }, () => {
  let checked = 0;
  for (const t of loadRealTraces()) {
    checked++;
    const mrt = segmentThinking(t.thinking, { mode: 'mrt' });
    assertCovers(t.thinking, mrt, t.name);
    assert.deepEqual(mrt.map((s) => s.text.replace(/\n+$/, '')), mrtReference(t.thinking), t.name);
    const grouped = segmentThinking(t.thinking, { mode: 'mrt', maxSteps: 45, groupSize: 3 });
    assertCovers(t.thinking, grouped, t.name);
    const sent = segmentThinking(t.thinking, { mode: 'sentence' });
    assertCovers(t.thinking, sent, t.name);
    assert.deepEqual(sent.map((s) => squash(s.text)), taReference(t.thinking).map(squash), t.name);
  }
  assert.equal(checked, REAL_TRACE_COUNT);
});

test('real traces: sentence mode reproduces the chunks of chunks_labeled.json', { skip: skipWithoutData('traces', 'thought-anchors.com') }, () => {
  let compared = 0;
  for (const dir of thoughtAnchorsProblemDirs()) {
    const base = JSON.parse(readFileSync(path.join(dir, 'base_solution.json'), 'utf8'));
    const labeled = JSON.parse(readFileSync(path.join(dir, 'chunks_labeled.json'), 'utf8')) as { chunk: string }[];
    const thinking = base.solution.split('</think>')[0];
    const sent = segmentThinking(thinking, { mode: 'sentence' });
    assert.deepEqual(sent.map((s) => squash(s.text)), labeled.map((c) => squash(c.chunk)), dir);
    compared++;
  }
  assert.equal(compared, 40);
});
