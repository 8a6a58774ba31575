/**
 * Over all real traces: of the final-correct traces whose thinking contains the gold answer (a
 * normalised string match of the gold, decided without the extractor), the share that get at
 * least one episode with an intermediate answer equivalent to the gold. Also lists every
 * extracted answer that a plain numeric comparison says equals the gold but the grader does not.
 * With context (problem, gold's type, names from earlier episodes) it reads episodes as
 * annotation does (src/core/annotate.ts).
 *
 *   node --import tsx scripts/answer-labels/trace-coverage.ts [--context] [--misses]
 */
import { resolve } from 'node:path';
import { checkEquivalence, extractIntermediateAnswer, learnAnswerNames } from '../../src/core/answers';
import { normalizeAnswer } from '../../src/core/answers/normalize';
import { episodesOf, loadRealTraces, type RealTrace } from './real-episodes';

/** The gold in forms a model writes it, for a substring search of the thinking. */
export function goldSpellings(gold: string): string[] {
  const n = normalizeAnswer(gold);
  const forms = new Set<string>([gold.trim(), n]);
  const compact = n.replace(/\s+/g, '');
  forms.add(compact);
  const frac = /^(-?)\\frac\{(\d+)\}\{(\d+)\}$/.exec(compact);
  if (frac) {
    forms.add(`${frac[1]}${frac[2]}/${frac[3]}`);
    forms.add(`${frac[1]}\\dfrac{${frac[2]}}{${frac[3]}}`);
  }
  const sqrt = /^(\d*)\\sqrt\{(\d+)\}$/.exec(compact);
  if (sqrt) {
    forms.add(`${sqrt[1]}√${sqrt[2]}`);
    forms.add(`${sqrt[1]}*sqrt(${sqrt[2]})`);
    forms.add(`${sqrt[1]}sqrt(${sqrt[2]})`);
  }
  return [...forms].filter((f) => f.length > 0);
}

/** True when the thinking contains the gold as a token (not inside a longer number). */
export function thinkingContainsGold(thinking: string, gold: string): boolean {
  const squeezed = thinking.replace(/\s+/g, '');
  return goldSpellings(gold).some((form) => {
    const f = form.replace(/\s+/g, '');
    const escaped = f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const guard = /^[\d.]/.test(f) ? '(?<![\\d.])' : '';
    const tail = /[\d]$/.test(f) ? '(?![\\d])' : '';
    return new RegExp(guard + escaped + tail).test(squeezed);
  });
}

export interface Coverage {
  finalCorrect: number;
  containsGold: number;
  covered: number;
  uncovered: RealTrace[];
  /** Extracted answers numerically equal to the gold that the grader calls different. */
  falseIncorrect: { trace: RealTrace; answer: string }[];
}

function plainNumber(s: string): number | null {
  const t = s.replace(/^\$|\\\$|\\%|%|\s/g, '').replace(/(\d),(?=\d{3}\b)/g, '$1');
  const frac = /^(-?\d+)\/(\d+)$/.exec(t);
  if (frac) return Number(frac[1]) / Number(frac[2]);
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}

export function traceCoverage(traces: RealTrace[], withContext: boolean): Coverage {
  const out: Coverage = { finalCorrect: 0, containsGold: 0, covered: 0, uncovered: [], falseIncorrect: [] };
  for (const trace of traces) {
    const episodes = episodesOf(trace);
    let hit = false;
    // With context the episodes are read as the annotator reads them: names of the asked quantity carry forward.
    let names: readonly string[] = [];
    for (const ep of episodes) {
      const answer = extractIntermediateAnswer(ep.text, withContext ? { problem: trace.problem, gold: trace.gold, names } : {});
      if (withContext) names = learnAnswerNames(ep.text, trace.problem, names);
      if (answer === null) continue;
      const equivalent = checkEquivalence(trace.gold, answer, { problem: trace.problem }).equivalent;
      if (equivalent) hit = true;
      const a = plainNumber(answer);
      const g = plainNumber(trace.gold);
      if (!equivalent && a !== null && g !== null && a === g) out.falseIncorrect.push({ trace, answer });
    }
    if (!trace.finalCorrect) continue;
    out.finalCorrect++;
    if (!thinkingContainsGold(trace.thinking, trace.gold)) continue;
    out.containsGold++;
    if (hit) out.covered++;
    else out.uncovered.push(trace);
  }
  return out;
}

function main(): void {
  const traces = loadRealTraces(resolve(__dirname, '../../../shared/data'));
  for (const withContext of process.argv.includes('--context') ? [true] : [false, true]) {
    const c = traceCoverage(traces, withContext);
    console.log(`${withContext ? 'with problem+gold' : 'text only'}: final-correct ${c.finalCorrect}, thinking contains gold ${c.containsGold}, covered ${c.covered} (${((100 * c.covered) / c.containsGold).toFixed(1)}%), numerically-equal judged incorrect ${c.falseIncorrect.length}`);
    for (const f of c.falseIncorrect) console.log(`  false incorrect: ${f.trace.file}#${f.trace.record} gold=${f.trace.gold} answer=${f.answer}`);
    if (process.argv.includes('--misses')) for (const t of c.uncovered) console.log(`  uncovered: ${t.file}#${t.record} gold=${t.gold}`);
  }
}

if (require.main === module) main();
