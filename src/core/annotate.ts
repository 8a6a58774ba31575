/**
 * The trace pipeline: split thinking from the answer, segment thinking into episodes, label
 * them, pull out intermediate answers, grade them, find the final answer, compute metrics.
 * TraceAnnotator does it incrementally for live streams; annotateTrace for a whole trace;
 * finalizeTrace closes a trace (final answer + metrics) for both. Pure.
 */
import { extractFinalAnswer, findIntermediateAnswer, learnAnswerNames } from './answers';
import { labelEpisode } from './labels';
import { computeMetrics, hasMrtProbes } from './metrics';
import { StreamingSegmenter, type Segment, type SegmentOptions } from './segment';
import { splitThinking } from './thinking';
import { estimateTokens } from './tokens';
import { selfCheckOutcome } from './self-check';
import { TRACE_FORMAT_VERSION, type AnswerSource, type Episode, type EpisodeLabel, type FinalAnswer, type Trace, type TraceSource } from './trace';
import { episodeVerdict, gradeFinal } from './verdicts';

export interface TraceInput {
  id?: string;
  problem: string;
  gold?: string | null;
  model?: string | null;
  source: TraceSource;
  /** Full model output with its markup (<think>…</think>, Sky-T1, harmony); split here. */
  raw?: string;
  thinking?: string;
  response?: string;
  truncated?: boolean;
}

export interface AnnotateOptions {
  segment?: SegmentOptions;
}

/** Incremental annotation of a thinking stream: closed episodes come out fully annotated. */
export class TraceAnnotator {
  private readonly segmenter: StreamingSegmenter;
  private gold: string | null;
  /** The problem: its question guides which stated value is the answer (src/core/answers). */
  private readonly problem: string | null;
  private closed: Episode[] = [];
  /** Last answer stated in a closed episode (kept incrementally: traces have 10^5 episodes). */
  private lastAnswer: string | undefined;
  /** Letters closed episodes named the asked quantity by ("Let x be …"): a later "x = 30" states the answer. */
  private names: readonly string[] = [];
  private finished = false;

  constructor(opts: { gold?: string | null; problem?: string | null; segment?: SegmentOptions } = {}) {
    this.segmenter = new StreamingSegmenter(opts.segment);
    this.gold = opts.gold ?? null;
    this.problem = opts.problem ?? null;
  }

  /** Newly closed episodes, fully annotated (labels, tokens, answer, verdict, check). */
  pushThinking(chunk: string): Episode[] {
    return this.segmenter.push(chunk).map((s) => this.close(s, false));
  }

  /** End of thinking: closes the rest; the last episode is labelled as the last. */
  finishThinking(): Episode[] {
    if (this.finished) return [];
    this.finished = true;
    const segments = this.segmenter.finish();
    return segments.map((s, i) => this.close(s, i === segments.length - 1));
  }

  /** The growing episode annotated so far (its labels and answer may still change), or null. */
  openEpisode(): Episode | null {
    const open = this.segmenter.open;
    if (!open || this.finished) return null;
    const segment: Segment = { index: open.index, start: open.start, end: open.start + open.text.length, text: open.text };
    if (open.opener !== undefined) segment.opener = open.opener;
    return annotateSegment(segment, { isLast: false, gold: this.gold, problem: this.problem, runningAnswer: this.lastAnswer, names: this.names });
  }

  get episodes(): Episode[] {
    return this.closed;
  }

  get thinking(): string {
    return this.segmenter.text;
  }

  /**
   * Takes a new gold answer: closed episodes are read again (the gold's type guides the
   * extractor), re-graded and re-checked.
   */
  setGold(gold: string | null): void {
    this.gold = gold;
    const closed = this.closed;
    this.closed = [];
    this.lastAnswer = undefined;
    this.names = [];
    for (const ep of closed) {
      const segment: Segment = { index: ep.index, start: ep.start, end: ep.end, text: ep.text };
      if (ep.opener !== undefined) segment.opener = ep.opener;
      // The labels stay as they were decided (the last episode's depends on where thinking ended).
      const fresh = annotateSegment(segment, { isLast: false, gold, problem: this.problem, runningAnswer: this.lastAnswer, names: this.names }, ep.labels);
      this.names = learnAnswerNames(ep.text, this.problem, this.names);
      const episode = ep.progress ? { ...fresh, progress: ep.progress } : fresh;
      this.closed.push(episode);
      if (episode.answer !== undefined) this.lastAnswer = episode.answer;
    }
  }

  private close(segment: Segment, isLast: boolean): Episode {
    // The running answer is what a verification episode confirms or changes.
    const episode = annotateSegment(segment, { isLast, gold: this.gold, problem: this.problem, runningAnswer: this.lastAnswer, names: this.names });
    this.names = learnAnswerNames(segment.text, this.problem, this.names);
    this.closed.push(episode);
    if (episode.answer !== undefined) this.lastAnswer = episode.answer;
    return episode;
  }
}

interface SegmentContext {
  isLast: boolean;
  gold: string | null;
  problem: string | null;
  runningAnswer: string | undefined;
  /** Names of the asked quantity from the episodes before (learnAnswerNames). */
  names: readonly string[];
}

function annotateSegment(segment: Segment, ctx: SegmentContext, keepLabels?: EpisodeLabel[]): Episode {
  const labels = keepLabels ?? labelEpisode(segment.text, { isLast: ctx.isLast });
  const found = findIntermediateAnswer(segment.text, { problem: ctx.problem, gold: ctx.gold, names: ctx.names });
  const answer = found?.answer;
  const episode: Episode = {
    index: segment.index,
    start: segment.start,
    end: segment.end,
    text: segment.text,
    tokens: estimateTokens(segment.text),
    labels,
    verdict: episodeVerdict(answer, ctx.gold),
  };
  if (segment.opener !== undefined) episode.opener = segment.opener;
  if (found) {
    episode.answer = found.answer;
    episode.answerSource = 'rule';
    // Offsets into the thinking, so a view can highlight the statement wherever it shows the episode.
    episode.answerRange = [segment.start + found.start, segment.start + found.end];
  }
  setSelfCheck(episode, ctx.runningAnswer);
  return episode;
}

/** Sets (or clears) `check` and `standingAnswer` from the episode's labels and answer. */
function setSelfCheck(episode: Episode, standing: string | undefined): void {
  delete episode.check;
  delete episode.standingAnswer;
  const outcome = selfCheckOutcome(episode.labels, episode.answer, standing);
  if (!outcome) return;
  episode.check = outcome.check;
  if (outcome.standingAnswer !== undefined) episode.standingAnswer = outcome.standingAnswer;
}

/**
 * Replaces the answers of some episodes (e.g. read by the local model where the rules found
 * none: src/runs/answer-model.ts) and recomputes what depends on them: verdicts, self-check
 * outcomes, and the final answer and metrics. `answers[i]` undefined leaves episode i alone;
 * null removes its answer. Pure.
 */
export function withEpisodeAnswers(trace: Trace, answers: readonly (EpisodeAnswer | null | undefined)[]): Trace {
  let standing: string | undefined;
  const episodes = trace.episodes.map((ep, i) => {
    const given = answers[i];
    const next: Episode = { ...ep };
    if (given === null) {
      delete next.answer;
      delete next.answerSource;
      delete next.answerRange;
    } else if (given !== undefined) {
      next.answer = given.answer;
      next.answerSource = given.source;
      if (given.range) next.answerRange = given.range;
      else delete next.answerRange;
    }
    next.verdict = episodeVerdict(next.answer, trace.gold);
    setSelfCheck(next, standing);
    if (next.answer !== undefined) standing = next.answer;
    return next;
  });
  const base: Parameters<typeof finalizeTrace>[0] = { ...trace, episodes };
  // A recorded final answer (live run, maybe a vote) stays; one taken from the thinking is re-taken.
  if (trace.final.reason?.startsWith('taken from the thinking')) delete base.final;
  return finalizeTrace(base);
}

export interface EpisodeAnswer {
  answer: string;
  source: AnswerSource;
  /** Offsets into thinking, when the reader knows where the answer is stated. */
  range?: [number, number];
}

/**
 * Stable id when the input has none: 14 hex digits of a 53-bit hash (cyrb53) of the problem
 * and the thinking, so re-annotating the same trace gives the same id.
 */
export function traceId(problem: string, thinking: string): string {
  // Hashes problem + "\u0000" + thinking part by part: joining them first would copy the thinking.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (const text of [problem, '\u0000', thinking]) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const n = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return n.toString(16).padStart(14, '0');
}

/** split (if raw) → segment → label → extract → grade → final answer → metrics. */
export function annotateTrace(input: TraceInput, opts: AnnotateOptions = {}): Trace {
  let thinking: string;
  let response: string;
  let truncated: boolean;
  if (input.raw !== undefined) {
    const split = splitThinking(input.raw);
    ({ thinking, response, truncated } = split);
  } else {
    thinking = input.thinking ?? '';
    response = input.response ?? '';
    truncated = input.truncated ?? false;
  }
  const gold = input.gold ?? null;
  const annotator = new TraceAnnotator({ gold, problem: input.problem, segment: opts.segment });
  annotator.pushThinking(thinking);
  annotator.finishThinking();
  const seg = opts.segment ?? {};
  const segmentation: NonNullable<TraceSource['segmentation']> = { mode: seg.mode ?? 'auto' };
  if (seg.maxSteps !== undefined && Number.isFinite(seg.maxSteps)) segmentation.maxSteps = seg.maxSteps;
  if (seg.groupSize !== undefined) segmentation.groupSize = seg.groupSize;
  return finalizeTrace({
    version: TRACE_FORMAT_VERSION,
    id: input.id ?? traceId(input.problem, thinking),
    problem: input.problem,
    gold,
    model: input.model ?? null,
    source: { ...input.source, segmentation },
    thinking,
    response,
    truncated,
    episodes: annotator.episodes,
  });
}

/**
 * Completes a trace: the final answer (kept when given, else from the response, else from the
 * end of the thinking), its grade against gold, and the metrics (live numbers carried over).
 */
export function finalizeTrace(
  base: Omit<Trace, 'final' | 'metrics'> & Partial<Pick<Trace, 'final' | 'metrics'>>,
  regretOpts: { regretBudgets?: readonly number[]; regretK?: number } = {},
): Trace {
  const final = finalAnswer(base);
  const budgets: number[] = [];
  const cap = base.budget?.policy.maxThinkingTokens;
  if (cap !== undefined && cap > 0) budgets.push(cap);
  else if (base.metrics?.regret) budgets.push(...base.metrics.regret.map((r) => r.budget));
  // Version 2 regret (src/core/metrics.ts): budgets and k as given, else as the trace last had them.
  const oracleBudgets = (base.metrics?.regret ?? []).filter((r) => r.comparator === 'oracle').map((r) => r.budget);
  const carriedK = Array.isArray(base.metrics?.cumulativeRegret) ? base.metrics.cumulativeRegret[0]?.k : undefined;
  const mrt = hasMrtProbes(base.probes, base.episodes);
  const metrics = computeMetrics({
    thinking: base.thinking,
    response: base.response,
    episodes: base.episodes,
    regretBudgets: mrt ? regretOpts.regretBudgets ?? oracleBudgets : budgets,
    regretK: regretOpts.regretK ?? carriedK,
    probes: base.probes,
    reference: base.probes?.basis === 'self' ? final.answer : base.gold ?? null,
    version: base.version,
    carry: base.metrics,
  });
  const { final: _f, metrics: _m, ...rest } = base;
  return { ...rest, final, metrics };
}

function finalAnswer(base: Pick<Trace, 'thinking' | 'response' | 'episodes' | 'gold'> & { final?: FinalAnswer }): FinalAnswer {
  let answer: string | null = base.final?.answer ?? null;
  let from = '';
  if (answer === null && base.response.trim() !== '') answer = extractFinalAnswer(base.response)?.answer ?? null;
  if (answer === null && base.response.trim() === '') {
    // No answer part (cut off, or stopped in thinking): the thinking's own last statement.
    // Only explicit statements count here: "the last number" of unfinished thinking is noise.
    const stated = extractFinalAnswer(base.thinking);
    answer = stated && stated.how !== 'last-number' ? stated.answer : lastEpisodeAnswer(base.episodes);
    if (answer !== null) from = 'taken from the thinking (no response); ';
  }
  const grade = gradeFinal(answer, base.gold);
  const final: FinalAnswer = { answer, correct: grade.correct };
  const reason = `${from}${grade.reason ?? ''}`.replace(/; $/, '');
  if (reason !== '') final.reason = reason;
  return final;
}

function lastEpisodeAnswer(episodes: readonly Episode[]): string | null {
  for (let i = episodes.length - 1; i >= 0; i--) if (episodes[i].answer !== undefined) return episodes[i].answer as string;
  return null;
}

/** What annotation needs from a trace already in our format (its text, problem and gold). */
export function traceToInput(trace: Trace): TraceInput {
  return {
    id: trace.id,
    problem: trace.problem,
    gold: trace.gold ?? null,
    model: trace.model ?? null,
    source: trace.source,
    thinking: trace.thinking,
    response: trace.response,
    truncated: trace.truncated,
  };
}

/**
 * Re-annotates a trace already in our format (new segmentation or gold), keeping what only a
 * live run knows: budget decisions, error, timing, the progress of episodes whose offsets did
 * not change, and (for live runs, which may have voted) the recorded final answer.
 */
export function reannotateTrace(trace: Trace, opts: AnnotateOptions = {}): Trace {
  const fresh = annotateTrace(traceToInput(trace), opts);
  const oldBySpan = new Map(trace.episodes.map((ep) => [`${ep.start}:${ep.end}`, ep]));
  const episodes = fresh.episodes.map((ep) => {
    const progress = oldBySpan.get(`${ep.start}:${ep.end}`)?.progress;
    return progress ? { ...ep, progress } : ep;
  });
  const base: Parameters<typeof finalizeTrace>[0] = {
    ...fresh,
    episodes,
    final: { answer: trace.final.answer, correct: null },
    metrics: trace.metrics,
  };
  if (trace.budget) base.budget = trace.budget;
  // Version 2: how the kept progress was probed (recipe, prefix 0, costs): its regret stays MRT's.
  if (trace.probes) base.probes = trace.probes;
  if (trace.error !== undefined) base.error = trace.error;
  // Imported traces get their final answer re-extracted; a live run's answer may be a vote.
  if (trace.final.answer === null || !trace.budget) delete base.final;
  return finalizeTrace(base);
}
