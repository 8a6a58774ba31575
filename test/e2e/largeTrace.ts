/**
 * The large-trace scenario (issue: 100k tokens, 1,000 episodes): a trace built from real
 * Sky-T1 thinking text, opened in the trace editor in a real browser; measures first render
 * and scroll frame times. Used by ui.e2e.ts and by `npm run bench:e2e`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { finalizeTrace } from '../../src/core/annotate';
import { validateTrace } from '../../src/core/schema';
import { estimateTokens } from '../../src/core/tokens';
import { TRACE_FORMAT_VERSION, type Episode, type Trace } from '../../src/core/trace';
import { quickOpen, repoRoot, webviewFrame } from './harness';

export const EPISODES = 1000;
export const TARGET_TOKENS = 100_000;

/** Real paragraphs from ../shared/data (Sky-T1 generations), or undefined when absent. */
function realParagraphs(): string[] | undefined {
  const file = path.resolve(repoRoot, '../shared/data/traces/skythought/Sky-T1-math-correct-5K-14B__aime24.jsonl');
  if (!existsSync(file)) return undefined;
  const out: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const rec = JSON.parse(line) as { code?: string[] };
    const text = rec.code?.[0] ?? '';
    for (const p of text.split(/\n\s*\n/)) {
      const t = p.replace(/<\|[^|]*\|>/g, '').trim();
      if (t.length > 40) out.push(t);
    }
  }
  return out;
}

export function buildLargeTrace(): Trace | undefined {
  const paragraphs = realParagraphs();
  if (!paragraphs) return undefined;
  const perEpisodeTokens = TARGET_TOKENS / EPISODES;
  const episodes: Episode[] = [];
  let thinking = '';
  let p = 0;
  for (let i = 0; i < EPISODES; i++) {
    const parts: string[] = [i === 0 ? 'Let me start.' : 'Wait, let me reconsider.'];
    while (estimateTokens(parts.join('\n\n')) < perEpisodeTokens) parts.push(paragraphs[p++ % paragraphs.length]);
    const text = parts.join('\n\n') + '\n\n';
    const start = thinking.length;
    thinking += text;
    const answer = i % 50 === 49 ? String(100 + (i % 7)) : undefined;
    const mu = Math.min(1, i / EPISODES + 0.05);
    const ep: Episode = {
      index: i,
      start,
      end: thinking.length,
      text,
      tokens: estimateTokens(text),
      labels: i === 0 ? ['planning'] : ['verification'],
      verdict: answer ? (answer === '104' ? 'correct' : 'incorrect') : 'none',
      progress: { mu, delta: i === 0 ? mu : 1 / EPISODES, samples: 4, answers: { '104': 1 }, basis: 'gold' },
    };
    if (i > 0) ep.opener = 'Wait';
    if (answer) ep.answer = answer;
    episodes.push(ep);
  }
  const trace = finalizeTrace({
    version: TRACE_FORMAT_VERSION,
    id: 'large-1000-episodes',
    problem: 'Large-trace benchmark: 1,000 episodes of real Sky-T1 thinking (AIME 2024), tiled to about 100k tokens.',
    gold: '104',
    model: 'Sky-T1-32B (tiled)',
    source: { kind: 'bench:large-trace', path: 'skythought/Sky-T1-math-correct-5K-14B__aime24.jsonl' },
    thinking,
    response: 'The answer is \\boxed{104}.',
    episodes,
  });
  const checked = validateTrace(trace);
  if (!checked.ok) throw new Error(`large trace is invalid: ${JSON.stringify(checked.errors.slice(0, 3))}`);
  return checked.trace;
}

export function writeLargeTrace(dir: string): { file: string; trace: Trace } | undefined {
  const trace = buildLargeTrace();
  if (!trace) return undefined;
  const file = path.join(dir, 'large.trace.json');
  writeFileSync(file, JSON.stringify(trace));
  return { file, trace };
}

export interface LargeTraceMeasurement {
  episodes: number;
  thinkingTokens: number;
  fileMB: number;
  firstCardMs: number;
  summaryMs: number;
  scrollFrames: number;
  frameP50: number;
  frameP95: number;
  frameMax: number;
  longFrames: number;
}

/** Opens `file` (already in the workspace) with Quick Open and measures render and scrolling. */
export async function measureLargeTrace(page: Page, fileName: string, trace: Trace, fileBytes: number): Promise<LargeTraceMeasurement> {
  await quickOpen(page, fileName);
  const t0 = Date.now();
  await page.keyboard.press('Enter');
  const frame = webviewFrame(page);
  await frame.locator('.rl-card').first().waitFor({ state: 'visible', timeout: 120_000 });
  const firstCardMs = Date.now() - t0;
  await frame.locator('.rl-summary').getByText('104').first().waitFor({ timeout: 120_000 });
  const summaryMs = Date.now() - t0;
  // Scroll the episode list one step per animation frame and record frame durations.
  const frames = await frame.locator('body').evaluate(async (body) => {
    const list = body.querySelector('.rl-episodes') as HTMLElement | null;
    let scroller: HTMLElement = (document.scrollingElement as HTMLElement) ?? document.documentElement;
    for (let el = list; el; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight) {
        scroller = el;
        break;
      }
    }
    const deltas: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 180; i++) {
      scroller.scrollTop += 400;
      await new Promise<void>((r) => requestAnimationFrame(() => r()));
      const now = performance.now();
      deltas.push(now - last);
      last = now;
    }
    return deltas;
  });
  const sorted = [...frames].sort((a, b) => a - b);
  const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))];
  return {
    episodes: trace.episodes.length,
    thinkingTokens: trace.metrics.thinkingTokens,
    fileMB: fileBytes / 1e6,
    firstCardMs,
    summaryMs,
    scrollFrames: frames.length,
    frameP50: q(0.5),
    frameP95: q(0.95),
    frameMax: sorted[sorted.length - 1],
    longFrames: frames.filter((f) => f > 50).length,
  };
}

export function formatMeasurement(m: LargeTraceMeasurement): string {
  const rows: [string, string][] = [
    ['episodes', String(m.episodes)],
    ['thinking tokens', m.thinkingTokens.toLocaleString('en-US')],
    ['file size', `${m.fileMB.toFixed(2)} MB`],
    ['first episode card visible', `${m.firstCardMs} ms`],
    ['summary (final answer) visible', `${m.summaryMs} ms`],
    ['scroll frames measured', String(m.scrollFrames)],
    ['scroll frame p50', `${m.frameP50.toFixed(1)} ms`],
    ['scroll frame p95', `${m.frameP95.toFixed(1)} ms (${(m.frameP95 / 16.7).toFixed(2)}× a 60 Hz frame)`],
    ['scroll frame max', `${m.frameMax.toFixed(1)} ms`],
    ['frames > 50 ms', String(m.longFrames)],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return ['Large trace in VS Code 1.100.3 webview (headless Chromium, 2 cores)', ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)].join('\n');
}
