/**
 * Answer equivalence speed: comparisons per second on real (gold, prediction)
 * pairs from ../shared/data, and the worst time per comparison on adversarial
 * inputs. All numbers in one table come from one run; ratios are against the
 * median real comparison of the same run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkEquivalence, extractFinalAnswer, extractGoldAnswer } from '../src/core/answers';
import { clearParseCache } from '../src/core/answers/engine';
import fc from 'fast-check';

const data = resolve(__dirname, '../../shared/data');

type Pair = [gold: string, pred: string, problem?: string];

function realPairs(): Record<string, Pair[]> {
  const sets: Record<string, Pair[]> = {};
  const cots = join(data, 'traces/thought-anchors-cots-math');
  sets['cots/math (answer field + extracted)'] = [];
  for (const d of readdirSync(cots).filter((x) => x.startsWith('problem_'))) {
    if (!existsSync(join(cots, d, 'solutions.json'))) continue;
    const p = JSON.parse(readFileSync(join(cots, d, 'problem.json'), 'utf8'));
    for (const s of JSON.parse(readFileSync(join(cots, d, 'solutions.json'), 'utf8'))) {
      sets['cots/math (answer field + extracted)'].push([p.gt_answer, s.answer, p.problem]);
      const e = extractFinalAnswer(s.solution);
      if (e) sets['cots/math (answer field + extracted)'].push([p.gt_answer, e.answer, p.problem]);
    }
  }
  const sky = join(data, 'traces/skythought');
  sets['Sky-T1 AIME/AMC (gt vs pred)'] = [];
  for (const f of readdirSync(sky).filter((x) => x.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(sky, f), 'utf8').split('\n').filter((l) => l.trim() !== '')) {
      const r = JSON.parse(line);
      sets['Sky-T1 AIME/AMC (gt vs pred)'].push([String(r.gt), String(r.pred[0])]);
    }
  }
  const math500 = join(data, 'benchmarks/math500_test__SkyThought_Qwen2.5-Math-evaldata.jsonl');
  sets['MATH-500 (answer vs boxed solution)'] = readFileSync(math500, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l))
    .map((r): Pair => [r.answer, extractGoldAnswer(r.solution)]);
  // Cross pairs force the numeric/symbolic path (different answers rarely share a key).
  const answers = sets['MATH-500 (answer vs boxed solution)'].map((p) => p[0]);
  sets['MATH-500 cross pairs (answer i vs i+1)'] = answers.map((a, i): Pair => [a, answers[(i + 1) % answers.length]]);
  return sets;
}

const ADVERSARIAL: Record<string, Pair> = {
  'tower 10^{10^{10}}': ['10^{10^{10}}', '10^{10^{10}}+1'],
  'nested powers x^{x^{...}} (15 deep)': ['x^{'.repeat(15) + '2' + '}'.repeat(15), 'x^{'.repeat(15) + '3' + '}'.repeat(15)],
  '(x+1)^{200} vs itself +1': ['(x+1)^{200}', '(x+1)^{200}+1'],
  '5-variable polynomial': ['(a+b+c+d+e)^{6}', '(a+b+c+d+e)^{5}(a+b+c+d+e)'],
  '1000! vs 1001!': ['1000!', '1001!'],
  '249-char sum (longest parsed)': ['1+'.repeat(124) + '1', '2+'.repeat(124) + '2'],
  '401-char sum (refused unparsed)': ['1+'.repeat(200) + '1', '2+'.repeat(200) + '2'],
  'deep \\frac nesting (15)': ['\\frac{'.repeat(15) + '1' + '}{2}'.repeat(15), '2^{-15}'],
  '32-item unordered lists (no match)': [Array.from({ length: 32 }, (_, i) => `\\sqrt{${i + 2}}`).join(', '), Array.from({ length: 32 }, (_, i) => `\\sqrt{${i + 40}}`).join(', ')],
  'garbage LaTeX': ['\\frac]-', '.!<$\\left\\pm\\text{}<\\pi\\infty\\frac=,'],
  'long unicode prose': ['42', 'Ω≈ç√∫˜µ≤≥÷ '.repeat(40)],
};

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function timeOne(p: Pair): number {
  const t = performance.now();
  checkEquivalence(p[0], p[1], { problem: p[2] });
  return performance.now() - t;
}

function main(): void {
  if (!existsSync(data)) {
    console.log(`notice: ${data} not found; benchmark needs the real data`);
    return;
  }
  const t0 = performance.now();
  checkEquivalence('\\sqrt{2}', '1.41421356');
  const firstCall = performance.now() - t0;
  console.log(`first call (creates the Compute Engine): ${firstCall.toFixed(0)} ms\n`);

  const sets = realPairs();
  const rows: string[][] = [];
  const allTimes: number[] = [];
  for (const [name, pairs] of Object.entries(sets)) {
    for (const pass of ['cold cache', 'warm cache']) {
      if (pass === 'cold cache') clearParseCache();
      const times = pairs.map(timeOne);
      if (pass === 'cold cache') allTimes.push(...times);
      const total = times.reduce((a, b) => a + b, 0);
      const sorted = [...times].sort((a, b) => a - b);
      rows.push([name, pass, String(pairs.length), (pairs.length / (total / 1000)).toFixed(0), (percentile(sorted, 0.5) * 1000).toFixed(0), (percentile(sorted, 0.99) * 1000).toFixed(0), sorted[sorted.length - 1].toFixed(1)]);
    }
  }
  const header = ['real pairs', 'pass', 'pairs', 'cmp/s', 'p50 µs', 'p99 µs', 'max ms'];
  printTable(header, rows);

  const median = [...allTimes].sort((a, b) => a - b)[Math.floor(allTimes.length / 2)];
  const adv: string[][] = [];
  let worst = 0;
  for (const [name, pair] of Object.entries(ADVERSARIAL)) {
    const times: number[] = [];
    let reason = '';
    for (let k = 0; k < 5; k++) {
      clearParseCache();
      const t = performance.now();
      reason = checkEquivalence(pair[0], pair[1]).reason;
      times.push(performance.now() - t);
    }
    const max = Math.max(...times);
    worst = Math.max(worst, max);
    adv.push([name, Math.min(...times).toFixed(1), max.toFixed(1), (max / median).toFixed(0) + 'x', reason.slice(0, 44)]);
  }
  // Random LaTeX noise: the parser's error paths are the slowest thing we call.
  const noiseToken = fc.constantFrom('\\', '{', '}', '(', ')', '[', ']', '^', '_', '\\frac', '\\sqrt', '\\left', '1', 'x', ',', '=', '.', '-', ' ', '\\infty', '\\pi', '<', 'e', '!', '\\cdot');
  const noise = fc.sample(fc.tuple(fc.array(noiseToken, { maxLength: 40 }), fc.array(noiseToken, { maxLength: 40 })), { numRuns: 500, seed: 7 });
  clearParseCache();
  const noiseTimes = noise.map(([a, b]) => timeOne([a.join(''), b.join('')])).sort((x, y) => x - y);
  const noiseMax = noiseTimes[noiseTimes.length - 1];
  worst = Math.max(worst, noiseMax);
  adv.push(['random LaTeX noise (500 pairs)', (percentile(noiseTimes, 0.5)).toFixed(1) + ' p50', noiseMax.toFixed(1), (noiseMax / median).toFixed(0) + 'x', `p99 ${percentile(noiseTimes, 0.99).toFixed(1)} ms`]);
  console.log('');
  printTable(['adversarial (5 runs, cold cache)', 'min ms', 'max ms', 'max / real p50', 'verdict reason'], adv);
  console.log(`\nworst adversarial comparison: ${worst.toFixed(1)} ms; median real comparison (cold): ${(median * 1000).toFixed(0)} µs`);
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
}

main();
