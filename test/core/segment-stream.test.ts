/**
 * Streaming equals whole-text segmentation, for every real trace, every mode, and chunkings
 * of 1 character, random sizes (fast-check) and the whole text at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { segmentThinking, StreamingSegmenter, type Segment, type SegmentOptions } from '../../src/core/segment/index';
import { REAL_TRACE_COUNT, loadRealTraces } from './segment-data';
import { skipWithoutData } from '../support/shared-data';

const MODES: SegmentOptions[] = [{ mode: 'mrt' }, { mode: 'auto' }, { mode: 'sentence' }, { mode: 'mrt', maxSteps: 45, groupSize: 3 }];

/** Streams `text` cut at `cuts`; checks the live view at every step. */
function streamCuts(text: string, opts: SegmentOptions, cuts: Iterable<number>): Segment[] {
  const s = new StreamingSegmenter(opts);
  const out: Segment[] = [];
  let pos = 0;
  const step = (to: number) => {
    out.push(...s.push(text.slice(pos, to)));
    pos = to;
  };
  for (const c of cuts) if (c > pos && c < text.length) step(c);
  if (pos < text.length) step(text.length);
  out.push(...s.finish());
  return out;
}

function* everyChar(n: number): Generator<number> {
  for (let i = 1; i < n; i++) yield i;
}

test('1-char and whole-text streaming give identical segments on all real traces, all modes', { skip: skipWithoutData('traces') }, () => {
  const traces = loadRealTraces();
  assert.equal(traces.length, REAL_TRACE_COUNT);
  for (const opts of MODES) {
    for (const t of traces) {
      const whole = segmentThinking(t.thinking, opts);
      assert.deepEqual(streamCuts(t.thinking, opts, []), whole, `${t.name} ${opts.mode} whole`);
      assert.deepEqual(streamCuts(t.thinking, opts, everyChar(t.thinking.length)), whole, `${t.name} ${opts.mode} 1-char`);
    }
  }
});

test('random chunkings give identical segments on all real traces (fast-check)', { skip: skipWithoutData('traces') }, () => {
  const traces = loadRealTraces();
  assert.equal(traces.length, REAL_TRACE_COUNT);
  const wholes = new Map<string, Segment[]>();
  for (const opts of MODES) {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: traces.length - 1 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }),
        (which, sizes) => {
          const t = traces[which];
          const key = `${which}/${JSON.stringify(opts)}`;
          if (!wholes.has(key)) wholes.set(key, segmentThinking(t.thinking, opts));
          const cuts: number[] = [];
          for (let pos = 0, k = 0; pos < t.thinking.length; k++) cuts.push((pos += sizes[k % sizes.length]));
          assert.deepEqual(streamCuts(t.thinking, opts, cuts), wholes.get(key), `${t.name} sizes ${sizes.join(',')}`);
        },
      ),
      { numRuns: 150 },
    );
  }
});

/** Texts built from the characters that matter to the scanners. */
const trickyText = fc
  .array(
    fc.constantFrom('\n', '\n\n', '\r\n\r\n', '\r', '. ', '? ', '!', '.', ' ', 'x', 'Wait', 'wait, ', '**Hmm** ', 'But wait', '- Alternatively', 'abc def ghi jkl', '\uFEFF', 'Is there another way to think about this?'),
    { maxLength: 80 },
  )
  .map((parts) => parts.join(''));

test('any text, any chunking: streaming equals whole text and segments tile the text', () => {
  const optsArb = fc.record({
    mode: fc.constantFrom('mrt' as const, 'auto' as const, 'sentence' as const),
    groupSize: fc.integer({ min: 1, max: 3 }),
    maxSteps: fc.integer({ min: 0, max: 6 }),
    minChars: fc.integer({ min: 0, max: 20 }),
    minParagraphs: fc.integer({ min: 1, max: 3 }),
  });
  fc.assert(
    fc.property(trickyText, optsArb, fc.array(fc.nat({ max: 400 })), (text, opts, cutList) => {
      const whole = segmentThinking(text, opts);
      let pos = 0;
      whole.forEach((s, k) => {
        assert.equal(s.index, k);
        assert.equal(s.start, pos);
        assert.ok(s.end > s.start);
        assert.equal(s.text, text.slice(s.start, s.end));
        pos = s.end;
      });
      assert.equal(pos, text.length);
      const cuts = [...new Set(cutList)].sort((a, b) => a - b);
      assert.deepEqual(streamCuts(text, opts, cuts), whole);
      assert.deepEqual(streamCuts(text, opts, everyChar(text.length)), whole);
    }),
    { numRuns: 1500 },
  );
});

test('open segment: emitted text + open text is always everything pushed so far', () => {
  const text = ['Okay, let me think.', 'Step one.', 'Step two.', 'Step three.', 'Wait, that is not right at all, let me redo it.', 'Redo.', 'Redo two.', 'Redo three.', 'Alternatively, use algebra.', 'Done.'].join('\n\n');
  for (const mode of ['mrt', 'auto', 'sentence'] as const) {
    const s = new StreamingSegmenter({ mode, minChars: 0 });
    let emitted = '';
    let seen = 0;
    for (let i = 0; i < text.length; i += 3) {
      for (const seg of s.push(text.slice(i, i + 3))) {
        emitted += seg.text;
        seen++;
      }
      const open = s.open;
      assert.ok(open, 'something is pending mid-stream');
      assert.equal(open.index, seen);
      assert.equal(open.start, emitted.length);
      assert.equal(emitted + open.text, text.slice(0, Math.min(text.length, i + 3)));
      assert.equal(s.text, text.slice(0, Math.min(text.length, i + 3)));
    }
    for (const seg of s.finish()) emitted += seg.text;
    assert.equal(emitted, text);
    assert.equal(s.open, null);
    assert.throws(() => s.push('more'), /after finish/);
  }
});

test('segments are emitted as soon as the marker paragraph has begun', () => {
  const s = new StreamingSegmenter({ mode: 'mrt' });
  assert.deepEqual(s.push('a\n\nb\n\nc\n\nBut hold'), []);
  const out = s.push(' on');
  assert.equal(out.length, 1);
  assert.equal(out[0].text, 'a\n\nb\n\nc\n\n');
  assert.equal(s.open?.opener, 'But hold on');
});
