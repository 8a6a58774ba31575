import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { estimateTokens } from '../../src/core/tokens';
import { recordedStreams } from './segment-data';
import { dataPath, skipWithoutData } from '../support/shared-data';

test('estimateTokens: 0 for empty, at least 1 and at most one per character otherwise', () => {
  assert.equal(estimateTokens(''), 0);
  assert.equal(estimateTokens('a'), 1);
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }), (s) => {
      const n = estimateTokens(s);
      assert.ok(Number.isInteger(n) && n >= 1 && n <= s.length, `${n} tokens for ${JSON.stringify(s)}`);
    }),
    { numRuns: 2000 },
  );
});

test('estimateTokens: digits count one each (Qwen2 tokenizer), words about one', () => {
  assert.equal(estimateTokens('12345'), 5);
  assert.equal(estimateTokens('Okay, so I need to find the value'), 9);
  assert.ok(estimateTokens('\\frac{a}{b} + \\sqrt{2}') >= 10);
});

const streamsDir = dataPath('ollama', 'recorded-streams');

test('estimateTokens vs the tokens of recorded Ollama streams', { skip: skipWithoutData('ollama', 'recorded-streams') }, () => {
  // Ollama sends one token per chunk, so the non-empty chunks are the text's real tokens.
  // eval_count also counts tokens never shown (gpt-oss harmony headers, ~10 per answer).
  // A recording whose chunk count is far from eval_count is a fragment and is left out.
  const rows: string[] = [];
  let est = 0;
  let streamed = 0;
  for (const f of readdirSync(streamsDir).filter((n) => n.endsWith('.md')).sort()) {
    for (const stream of recordedStreams(path.join(streamsDir, f))) {
      const done = stream[stream.length - 1] as { eval_count?: number };
      const pieces = stream.map((o) => String(o.thinking ?? '') + String(o.response ?? ''));
      if (!done.eval_count || Math.abs(stream.length - done.eval_count) > 12) continue;
      const tokens = pieces.filter((p) => p.length > 0).length;
      const e = estimateTokens(pieces.join(''));
      const err = (e - tokens) / tokens;
      rows.push(`${f.split('_')[0].padEnd(16)} streamed ${String(tokens).padStart(4)}  eval_count ${String(done.eval_count).padStart(4)}  estimate ${String(e).padStart(4)}  ${(err * 100).toFixed(1)}%`);
      assert.ok(Math.abs(err) <= 0.15, `${f}: estimate ${e} vs ${tokens} streamed tokens`);
      est += e;
      streamed += tokens;
    }
  }
  console.log(rows.join('\n'));
  console.log(`total: estimate ${est} vs ${streamed} streamed tokens (${(((est - streamed) / streamed) * 100).toFixed(1)}%)`);
  assert.equal(rows.length, 10, 'the 10 recorded streams (demo and debug run of each file)');
  assert.ok(Math.abs(est - streamed) / streamed <= 0.06);
});
