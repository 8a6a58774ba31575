import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PREVIEW_CHARS, previewText } from '../../webview/trace/model/preview';
import { REAL_TRACE_COUNT, loadRealTraces } from '../core/segment-data';
import { skipWithoutData } from '../support/shared-data';

/** The rule the preview follows, written the plain way (what it was before it was made cheaper). */
function reference(text: string): string {
  const flat = text.slice(0, PREVIEW_CHARS * 2).replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat;
}

// Words and every kind of JavaScript whitespace, in runs: the cases where a slice ends exactly at
// the preview's length, one before or after it, at a trailing run, at a lone space.
const allSpaces = [...Array(0x10000).keys()].map((c) => String.fromCharCode(c)).filter((ch) => /\s/.test(ch));
const notSpaces = ['\u0085', '\u180e', '\u200b', '\u2060', '\u0008', '\u000e'];
const pieces = fc.constantFrom('a', 'bc', 'word', 'longerword', 'μ', '∑', '😀', ' ', ' ', ' ', '  ', '\n\n', '\r\n', ...allSpaces, ...notSpaces);

test('preview: the same string as collapsing whitespace with a regular expression, for any text', () => {
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 400 }), (parts) => {
      const text = parts.join('');
      assert.equal(previewText(text), reference(text));
    }),
    { numRuns: 3000 },
  );
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (text) => assert.equal(previewText(text), reference(text))), { numRuns: 2000 });
});

test('preview: lengths around the cut', () => {
  for (let n = PREVIEW_CHARS - 3; n <= PREVIEW_CHARS + 3; n++) {
    for (const tail of ['', ' ', '\n', ' x', '\nx', '  x', 'x']) {
      for (const head of ['', ' ', '\n\n']) {
        const text = head + 'y'.repeat(n) + tail;
        assert.equal(previewText(text), reference(text), JSON.stringify({ n, head, tail }));
        const spaced = head + 'ab '.repeat(Math.ceil(n / 3)).slice(0, n) + tail;
        assert.equal(previewText(spaced), reference(spaced), JSON.stringify({ n, head, tail, spaced: true }));
      }
    }
  }
});

test('preview: real thinking text, from every 61st character of every real trace', { skip: skipWithoutData('traces') }, () => {
  const traces = loadRealTraces(true);
  assert.equal(traces.length, REAL_TRACE_COUNT);
  let checked = 0;
  for (const { name, thinking } of traces) {
    for (let at = 0; at < thinking.length; at += 61) {
      const text = thinking.slice(at, at + 600);
      assert.equal(previewText(text), reference(text), `${name} at ${at}`);
      checked++;
    }
  }
  assert.ok(checked > 10_000, `only ${checked} real texts`);
});
