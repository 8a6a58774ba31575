/**
 * Writes sample traces for the dev harness and the webview benchmark into dist/dev-samples/:
 *  - real-*.json: real Thought Anchors traces (../shared/data), annotated by src/core when it
 *    builds, else split on reconsideration markers (dev fallback, no labels).
 *  - synthetic-<episodes>.json: a generated trace of the given size (text with math, labels,
 *    answers and a μ random walk) used only to measure rendering speed.
 * Usage: node --import tsx webview/dev/make-samples.ts [episodes=1000]
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Episode, EpisodeLabel, Trace } from '../../src/core/trace';

const repoRoot = resolve(__dirname, '../..');
const dataRoot = resolve(repoRoot, '../shared/data');
const outDir = join(repoRoot, 'dist/dev-samples');

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function syntheticTrace(episodes: number, tokensPerEpisode = 100, seed = 7): Trace {
  const rand = seeded(seed);
  const labels: EpisodeLabel[] = ['planning', 'computation', 'verification', 'backtracking', 'alternative', 'answer'];
  const openers = ['Wait', 'But wait', 'Alternatively', 'Hmm', 'Let me check', 'But hold on'];
  const list: Episode[] = [];
  let thinking = '';
  let mu = 0.1;
  for (let i = 0; i < episodes; i++) {
    const opener = i === 0 ? undefined : openers[Math.floor(rand() * openers.length)];
    const words: string[] = [];
    // ~0.75 words per token: tokensPerEpisode tokens ≈ 75 words incl. a little math.
    const wordCount = Math.round(tokensPerEpisode * 0.75);
    for (let w = 0; w < wordCount; w++) {
      const r = rand();
      words.push(r < 0.05 ? `$x_{${w}} = \\frac{${i}}{${w + 1}}$` : r < 0.1 ? `${Math.floor(rand() * 1000)}` : ['the', 'so', 'sum', 'term', 'we', 'get', 'check', 'value', 'equation', 'then'][Math.floor(rand() * 10)]);
    }
    let text = `${opener ? `${opener}, ` : ''}${words.join(' ')}.`;
    if (i % 10 === 3) text += `\n\n$$\\sum_{k=1}^{${i}} k^2 = \\frac{n(n+1)(2n+1)}{6}$$`;
    const answer = i % 7 === 6 ? String(42 + (rand() < 0.6 ? 0 : Math.floor(rand() * 5) + 1)) : undefined;
    const own = labels.filter(() => rand() < 0.25).slice(0, 3);
    if (answer) own.push('answer');
    mu = Math.min(1, Math.max(0, mu + (rand() - 0.4) * 0.15));
    const start = thinking.length;
    thinking += (i ? '\n\n' : '') + text;
    list.push({
      index: i,
      start: start + (i ? 2 : 0),
      end: thinking.length,
      text,
      opener,
      tokens: tokensPerEpisode,
      labels: [...new Set(own)],
      answer,
      verdict: answer === undefined ? 'none' : answer === '42' ? 'correct' : 'incorrect',
      check: own.includes('verification') ? (rand() < 0.8 ? 'confirmed' : 'changed') : undefined,
      progress: { mu: Math.round(mu * 4) / 4, delta: 0, samples: 4, answers: { '42': Math.round(mu * 4) }, basis: 'gold', ci: 0.2 },
    });
  }
  for (let i = 0; i < list.length; i++) list[i].progress!.delta = list[i].progress!.mu - (i ? list[i - 1].progress!.mu : 0);
  const first = list.find((e) => e.verdict === 'correct');
  const total = episodes * tokensPerEpisode;
  return {
    version: 1,
    id: `synthetic-${episodes}`,
    problem: `Synthetic benchmark trace: ${episodes} episodes, ${total} thinking tokens. Find $\\sum_{k=1}^{n} k^2$ for $n = 42$.`,
    gold: '42',
    model: 'synthetic',
    source: { kind: 'synthetic', createdAt: '2026-11-21T00:00:00Z' },
    thinking,
    response: 'The answer is $\\boxed{42}$.',
    episodes: list,
    final: { answer: '42', correct: true, reason: 'exact' },
    metrics: {
      thinkingTokens: total,
      responseTokens: 12,
      episodes,
      firstCorrectEpisode: first ? first.index : null,
      tokensAfterFirstCorrect: first ? total - (first.index + 1) * tokensPerEpisode : null,
    },
    budget: { policy: { maxThinkingTokens: Math.round(total * 1.1) }, decisions: [], stop: 'done' },
  };
}

function fallbackTrace(problem: string, gold: string, model: string, cot: string, path: string): Trace {
  const open = cot.indexOf('<think>');
  const close = cot.indexOf('</think>');
  const thinking = cot.slice(open >= 0 ? open + 7 : 0, close >= 0 ? close : undefined).trim();
  const response = close >= 0 ? cot.slice(close + 8).trim() : '';
  const episodes: Episode[] = [];
  const re = /\n\n(?=(Wait|But wait|Alternatively|Hmm|But hold on)\b)/g;
  let start = 0;
  const cuts = [...thinking.matchAll(re)].map((m) => m.index! + 2);
  for (const end of [...cuts, thinking.length]) {
    const text = thinking.slice(start, end);
    const opener = /^(Wait|But wait|Alternatively|Hmm|But hold on)\b/.exec(text)?.[1];
    episodes.push({ index: episodes.length, start, end, text, opener, tokens: Math.ceil(text.length / 4), labels: [], verdict: 'none' });
    start = end;
  }
  const total = episodes.reduce((n, e) => n + e.tokens, 0);
  return {
    version: 1, id: path, problem, gold, model, source: { kind: 'import:thought-anchors', path }, thinking, response, episodes,
    final: { answer: null, correct: null },
    metrics: { thinkingTokens: total, responseTokens: Math.ceil(response.length / 4), episodes: episodes.length, firstCorrectEpisode: null, tokensAfterFirstCorrect: null },
  };
}

async function realTraces(): Promise<Trace[]> {
  const base = join(dataRoot, 'traces/thought-anchors.com');
  if (!existsSync(base)) {
    console.log(`notice: ${base} not found; no real samples written`);
    return [];
  }
  let annotate: ((input: unknown) => Trace) | null = null;
  try {
    const mod = await import('../../src/core/annotate');
    annotate = mod.annotateTrace as unknown as (input: unknown) => Trace;
  } catch (err) {
    console.log(`notice: src/core/annotate unavailable (${String(err).split('\n')[0]}); using the marker split`);
  }
  const out: Trace[] = [];
  for (const model of readdirSync(base)) {
    for (const kind of ['correct_base_solution', 'incorrect_base_solution']) {
      const dir = join(base, model, kind);
      if (!existsSync(dir)) continue;
      const problemDir = readdirSync(dir).sort()[0];
      const p = JSON.parse(readFileSync(join(dir, problemDir, 'problem.json'), 'utf8'));
      const s = JSON.parse(readFileSync(join(dir, problemDir, 'base_solution.json'), 'utf8'));
      const cot: string = s.full_cot.slice(s.full_cot.indexOf('<think>'));
      const path = `${model}/${kind}/${problemDir}`;
      out.push(
        annotate
          ? annotate({ problem: p.problem, gold: p.gt_answer, model, source: { kind: 'import:thought-anchors', path }, raw: cot })
          : fallbackTrace(p.problem, p.gt_answer, model, cot, path),
      );
    }
  }
  return out;
}

async function main(): Promise<void> {
  const episodes = Number(process.argv[2] ?? 1000);
  mkdirSync(outDir, { recursive: true });
  const synthetic = syntheticTrace(episodes);
  writeFileSync(join(outDir, `synthetic-${episodes}.json`), JSON.stringify(synthetic));
  writeFileSync(join(outDir, 'synthetic-40.json'), JSON.stringify(syntheticTrace(40, 120, 3)));
  const real = await realTraces();
  real.forEach((t, i) => writeFileSync(join(outDir, `real-${i}.json`), JSON.stringify(t)));
  console.log(`wrote ${2 + real.length} samples to ${outDir}`);
}

if (require.main === module) void main();
