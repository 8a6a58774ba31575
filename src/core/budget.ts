/**
 * Test-time budget decisions (s1 budget forcing, "Wait" extensions, max episodes, early stop per
 * episode or Dynasor-CoT, sequential voting over independent attempts, think levels). Pure: the run (src/runs/solve.ts) feeds it
 * what it observes and carries out the actions it returns; every action comes with the
 * BudgetDecision that goes into trace.budget.decisions.
 */
import type { AttemptCost, BudgetDecision, BudgetPolicy, Episode, Trace } from './trace';
import { muPlateaued } from './progress';
import {
  DEFAULT_DYNASOR_EVERY,
  DEFAULT_DYNASOR_WINDOW,
  DEFAULT_EARLY_STOP_WINDOW,
  DEFAULT_EXTENSION_TEXT,
  DEFAULT_EXTENSIONS_WITH_MIN,
  DEFAULT_PLATEAU,
  formatBudgetErrors,
  parseBudgetPolicy,
  type BudgetFieldError,
  type ThinkValue,
} from './budget-policy';

export { DEFAULT_EARLY_STOP_WINDOW, DEFAULT_EXTENSION_TEXT, DEFAULT_EXTENSIONS_WITH_MIN, DEFAULT_PLATEAU, type ThinkValue };
/** Dynasor-CoT's hedging words: a probe answer containing one is not a confident answer. */
export const HEDGE_WORDS: readonly string[] = ['wait', 'hold', 'but', 'okay', 'no', 'hmm'];

export interface ResolvedPolicy {
  maxThinkingTokens?: number;
  minThinkingTokens?: number;
  extensions: number;
  extensionText: string;
  maxEpisodes?: number;
  /**
   * `episode`: window W and plateau δ: stop when answers agree for W probed episodes, or mu rose
   * by less than δ over them. `dynasor`: a probe every `everyTokens` thinking tokens; stop when
   * the last W probe answers agree (src/core/dynasor.ts).
   */
  earlyStop: EpisodeEarlyStop | DynasorEarlyStop | null;
  vote: { n: number; m: number; adaptive: boolean } | null;
  think?: ThinkValue;
}

export interface EpisodeEarlyStop {
  mode: 'episode';
  window: number;
  plateau: number;
}

export interface DynasorEarlyStop {
  mode: 'dynasor';
  everyTokens: number;
  window: number;
  /** No plateau rule in Dynasor mode (lets readers of either mode ask for `plateau`). */
  plateau?: undefined;
}

export class PolicyError extends Error {
  constructor(readonly errors: readonly BudgetFieldError[]) {
    super(formatBudgetErrors(errors, 'budget.'));
    this.name = 'PolicyError';
  }

  /** The first bad field (dotted policy path). */
  get field(): string {
    return this.errors[0]?.field ?? '';
  }
}

/** Validates a policy with the one parser (core/budget-policy.ts) and fills in defaults; throws PolicyError listing every bad field. */
export function resolvePolicy(raw: BudgetPolicy | unknown = {}): ResolvedPolicy {
  const parsed = parseBudgetPolicy(raw);
  if (!parsed.ok) throw new PolicyError(parsed.errors);
  const p = parsed.policy;
  const early = p.earlyStop;
  return {
    maxThinkingTokens: p.maxThinkingTokens,
    minThinkingTokens: p.minThinkingTokens,
    extensions: p.extensions ?? (p.minThinkingTokens !== undefined ? DEFAULT_EXTENSIONS_WITH_MIN : 0),
    extensionText: p.extensionText ?? DEFAULT_EXTENSION_TEXT,
    maxEpisodes: p.maxEpisodes,
    earlyStop:
      early === true
        ? { mode: 'episode', window: DEFAULT_EARLY_STOP_WINDOW, plateau: DEFAULT_PLATEAU }
        : early && early.mode === 'dynasor'
          ? { mode: 'dynasor', everyTokens: early.everyTokens ?? DEFAULT_DYNASOR_EVERY, window: early.window ?? DEFAULT_DYNASOR_WINDOW }
          : early
            ? { mode: 'episode', window: early.window, plateau: early.plateau ?? DEFAULT_PLATEAU }
            : null,
    vote: p.vote ? { n: p.vote.n, m: p.vote.m, adaptive: p.vote.adaptive === true } : null,
    think: p.think,
  };
}

/** What a model can do with `think` (a subset of ModelInfo, so this stays pure). */
export interface ThinkCapabilities {
  name: string;
  supportsThinking: boolean;
  thinkLevels: readonly string[];
}

/**
 * Checks a think setting against the model before anything streams. Returns the decision to
 * record, or an error message a user can act on.
 */
export function checkThinkSetting(
  think: ThinkValue,
  model: ThinkCapabilities,
): { ok: true; decision: BudgetDecision } | { ok: false; message: string } {
  if (think !== false && !model.supportsThinking) {
    return { ok: false, message: `Model "${model.name}" does not support thinking (think=${JSON.stringify(think)}); use a reasoning model or think=false.` };
  }
  if (typeof think === 'string' && !model.thinkLevels.includes(think)) {
    const levels = model.thinkLevels.length ? `it accepts ${model.thinkLevels.join(', ')}` : 'it only accepts true/false';
    return { ok: false, message: `Model "${model.name}" does not accept think level "${think}": ${levels}.` };
  }
  return {
    ok: true,
    decision: { kind: 'think-level', atTokens: 0, detail: `think=${String(think)}`, data: { think } },
  };
}

export type BudgetAction =
  | { kind: 'continue' }
  /** Stop thinking now and force the answer (s1 budget forcing). */
  | { kind: 'force-answer'; decision: BudgetDecision }
  /** Suppress the end of thinking, append `text`, keep thinking. */
  | { kind: 'extend'; decision: BudgetDecision; text: string };

const CONTINUE: BudgetAction = { kind: 'continue' };

/** One episode's forced-answer summary, as early stop sees it. */
export interface ProbeSummary {
  episodeIndex: number;
  /** Normalised answer key of the episode's representative (modal) probe answer; null if none. */
  key: string | null;
  /** The completion text behind that answer (checked for hedging words). */
  text: string;
  mu?: number;
}

export function containsHedge(text: string, words: readonly string[] = HEDGE_WORDS): string | null {
  const lower = text.toLowerCase();
  for (const w of words) if (new RegExp(`(^|[^a-z])${w}([^a-z]|$)`).test(lower)) return w;
  return null;
}

/**
 * Dynasor-CoT's certainty test on the last `window` probed episodes: all have an answer, all
 * agree, no hedging. `same` decides agreement (default: equal keys).
 */
export function answersStable(
  recent: readonly ProbeSummary[],
  window: number,
  same: (a: string, b: string) => boolean = (a, b) => a === b,
): boolean {
  if (recent.length < window) return false;
  const tail = recent.slice(-window);
  const first = tail[0].key;
  if (first === null) return false;
  return tail.every((p) => p.key !== null && same(first, p.key) && containsHedge(p.text) === null);
}

/**
 * Tracks one attempt's budget state. Each method is called when the run observes the matching
 * event; after a force-answer the controller answers `continue` to everything (one stop only).
 */
export class BudgetController {
  readonly decisions: BudgetDecision[] = [];
  private extensionsUsed = 0;
  private stopped = false;

  constructor(
    readonly policy: ResolvedPolicy,
    private readonly same: (a: string, b: string) => boolean = (a, b) => a === b,
  ) {}

  get extensionsDone(): number {
    return this.extensionsUsed;
  }

  get hasStopped(): boolean {
    return this.stopped;
  }

  /** Records a decision taken outside the stream checks (think level, votes, cancel). */
  record(decision: BudgetDecision): BudgetDecision {
    this.decisions.push(decision);
    return decision;
  }

  private force(decision: BudgetDecision): BudgetAction {
    this.stopped = true;
    return { kind: 'force-answer', decision: this.record(decision) };
  }

  /** After thinking grew: cap at maxThinkingTokens. */
  afterThinking(thinkingTokens: number, episodeIndex?: number): BudgetAction {
    const max = this.policy.maxThinkingTokens;
    if (this.stopped || max === undefined || thinkingTokens < max) return CONTINUE;
    return this.force({
      kind: 'forced-stop',
      atTokens: thinkingTokens,
      atEpisode: episodeIndex,
      detail: `thinking reached ${thinkingTokens} tokens (max ${max}): answer forced`,
      data: { maxThinkingTokens: max },
    });
  }

  /** After an episode closed: stop after maxEpisodes closed episodes. */
  afterEpisodeClosed(closedEpisodes: number, thinkingTokens: number): BudgetAction {
    const max = this.policy.maxEpisodes;
    if (this.stopped || max === undefined || closedEpisodes < max) return CONTINUE;
    return this.force({
      kind: 'max-episodes',
      atTokens: thinkingTokens,
      atEpisode: closedEpisodes - 1,
      detail: `${closedEpisodes} episodes closed (max ${max}): answer forced`,
      data: { maxEpisodes: max },
    });
  }

  /**
   * The model ended its thinking. Extend (suppress the end, append text) while extensions remain
   * and, when a minimum is set, thinking is still below it; never past the maximum.
   */
  onThinkingEnded(thinkingTokens: number, episodeIndex?: number): BudgetAction {
    const { minThinkingTokens: min, maxThinkingTokens: max, extensions, extensionText } = this.policy;
    if (this.stopped || this.extensionsUsed >= extensions) return CONTINUE;
    if (min !== undefined && thinkingTokens >= min) return CONTINUE;
    if (max !== undefined && thinkingTokens >= max) return CONTINUE;
    this.extensionsUsed++;
    const why = min !== undefined ? `thinking ended at ${thinkingTokens} tokens (min ${min})` : `thinking ended at ${thinkingTokens} tokens`;
    const decision = this.record({
      kind: 'extension',
      atTokens: thinkingTokens,
      atEpisode: episodeIndex,
      detail: `${why}: end suppressed, appended "${extensionText}" (${this.extensionsUsed}/${extensions})`,
      data: { appended: extensionText, extension: this.extensionsUsed, of: extensions, minThinkingTokens: min },
    });
    return { kind: 'extend', decision, text: extensionText };
  }

  /**
   * After a probe result: early stop when the last `window` probed episodes' answers are stable
   * (Dynasor) or mu rose by less than `plateau` over them (MRT progress has flattened; only
   * episodes with a mu count). `summaries` are in episode order.
   */
  afterProbe(summaries: readonly ProbeSummary[], thinkingTokens: number): BudgetAction {
    const es = this.policy.earlyStop;
    if (this.stopped || !es || es.mode !== 'episode' || summaries.length === 0) return CONTINUE;
    const last = summaries[summaries.length - 1];
    if (answersStable(summaries, es.window, this.same)) {
      return this.force({
        kind: 'early-stop',
        atTokens: thinkingTokens,
        atEpisode: last.episodeIndex,
        detail: `forced answers agreed on "${last.key}" for ${es.window} episodes without hedging: answer forced`,
        data: { mode: 'episode', reason: 'stable', window: es.window, answer: last.key, episodes: summaries.slice(-es.window).map((s) => s.episodeIndex) },
      });
    }
    const mus = summaries.filter((s) => s.mu !== undefined).map((s) => s.mu as number);
    if (muPlateaued(mus, es.window, es.plateau)) {
      const now = mus[mus.length - 1];
      const before = mus[mus.length - 1 - es.window];
      return this.force({
        kind: 'early-stop',
        atTokens: thinkingTokens,
        atEpisode: last.episodeIndex,
        detail: `mu rose by ${(now - before).toFixed(2)} (${before.toFixed(2)} → ${now.toFixed(2)}) over ${es.window} episode${es.window === 1 ? '' : 's'}, less than the plateau ${es.plateau}: answer forced`,
        data: { mode: 'episode', reason: 'plateau', window: es.window, plateau: es.plateau, mu: now, muBefore: before },
      });
    }
    return CONTINUE;
  }

  /**
   * Dynasor-CoT: after the probe results so far (in probe order, src/core/dynasor.ts), stop when
   * the last W answers agree without hedging. The action's decision carries the answer the
   * run outputs directly (no forced-answer request, as Dynasor does).
   */
  afterDynasorProbe(probes: readonly DynasorProbe[], thinkingTokens: number, episodeIndex?: number): BudgetAction {
    const es = this.policy.earlyStop;
    if (this.stopped || !es || es.mode !== 'dynasor') return CONTINUE;
    const answer = dynasorConsistentAnswer(probes, es.window, this.same);
    if (answer === null) return CONTINUE;
    const tail = probes.slice(-es.window);
    return this.force({
      kind: 'early-stop',
      atTokens: thinkingTokens,
      atEpisode: episodeIndex,
      detail: `Dynasor: the last ${es.window} probes (every ${es.everyTokens} thinking tokens) answered "${answer}" without hedging: answer output directly`,
      data: { mode: 'dynasor', reason: 'consistent', everyTokens: es.everyTokens, window: es.window, answer, probesAt: tail.map((p) => p.atTokens), probes: probes.length },
    });
  }
}

// ---- Dynasor-CoT early stop (hao-ai-lab/Dynasor dynasor/cot.py @5eefa64) ----

/** Dynasor's probe text, appended to the thinking so far (cot.py line 61; the thinking is NOT closed). */
export const DYNASOR_PROBE_TEXT = '... Oh, I suddenly got the answer to the whole problem, **Final Answer**\n\n\\[ \\boxed{';
/** Dynasor's probe sampling (cot.py lines 59-62): temperature 0.6, top_p 0.95, at most 20 tokens. */
export const DYNASOR_PROBE_OPTIONS = { temperature: 0.6, top_p: 0.95, num_predict: 20 } as const;

/** One Dynasor probe: the answer read up to the first unmatched "}" (null: none), and the completion text. */
export interface DynasorProbe {
  /** Thinking tokens when the probe was sent. */
  atTokens: number;
  answer: string | null;
  text: string;
}

/** Dynasor's certainty test: no hedge word as a SUBSTRING of the lower-cased probe text (cot.py line 99; "no" also matches "not", "know"). */
export function dynasorCertain(text: string, words: readonly string[] = HEDGE_WORDS): boolean {
  const lower = text.toLowerCase();
  return !words.some((w) => lower.includes(w));
}

/**
 * cot.py line 105: the last `window` answers are one equivalence group (`eqaul_group`, math_equal;
 * here `same`), all non-empty, and all certain. Returns the last answer (what Dynasor outputs,
 * `probe_answers[-1]`), or null.
 */
export function dynasorConsistentAnswer(
  probes: readonly DynasorProbe[],
  window: number,
  same: (a: string, b: string) => boolean = (a, b) => a === b,
): string | null {
  if (probes.length < window) return null;
  const tail = probes.slice(-window);
  const first = tail[0].answer;
  if (first === null || first.trim() === '') return null;
  const ok = tail.every((p) => p.answer !== null && p.answer.trim() !== '' && same(first, p.answer) && dynasorCertain(p.text));
  return ok ? tail[tail.length - 1].answer : null;
}

/**
 * What Dynasor emits when it stops (cot.py line 115): `\n\n...</think>\n` and then this answer text.
 * Our trace keeps only model text in `thinking`, so "\n\n..." is not appended there; the
 * response is the text after `</think>\n`.
 */
export function dynasorExitResponse(answer: string): string {
  return ` Oh, I have got the answer to the whole problem\n**Final Answer:**\n\\[\n \\boxed{${answer}}\n\\]`;
}

// ---- Sequential voting over independent attempts (IBPO's SV/ASV, run from outside the model) ----

/** Forced answers adaptive voting draws on attempt 1's thinking before its last episode. */
export const ADAPTIVE_VOTE_PROBES = 3;

/**
 * Where adaptive voting looks: the thinking before attempt 1's last episode (character offset),
 * i.e. before the episode that usually states or re-checks the final answer. With one episode
 * it is the empty thinking (prefix 0: could the model answer without thinking?).
 */
export function adaptiveVotePrefixEnd(episodes: readonly Pick<Episode, 'start' | 'end'>[]): number {
  return episodes.length >= 2 ? episodes[episodes.length - 2].end : 0;
}

/**
 * Adaptive voting's rule: one attempt is enough when all ADAPTIVE_VOTE_PROBES forced answers on
 * the thinking before the last episode were read and agree with attempt 1's answer. Agreement
 * there is evidence the answer was settled before it was stated at the end; agreement on the full
 * thinking is not (the forced answer then repeats what the thinking just concluded).
 */
export function adaptiveVoteConfident(
  answer: string | null,
  probeAnswers: readonly (string | null)[],
  same: (a: string, b: string) => boolean,
): boolean {
  if (answer === null || probeAnswers.length < ADAPTIVE_VOTE_PROBES) return false;
  return probeAnswers.every((a) => a !== null && same(answer, a));
}

/** Token totals over every attempt (budget.attempts); a trace without them counts its own metrics once. */
export interface SpentTokens {
  attempts: number;
  thinking: number;
  response: number;
  /** Probe tokens charged to attempts (early stop, adaptive voting, progress probes of attempt 1). */
  probe: number;
  /** thinking + response + probe. */
  total: number;
}

export function spentTokens(trace: Pick<Trace, 'metrics' | 'budget'>): SpentTokens {
  const attempts: readonly AttemptCost[] | undefined = trace.budget?.attempts;
  if (!attempts || attempts.length === 0) {
    const thinking = trace.metrics.thinkingTokens || 0;
    const response = trace.metrics.responseTokens || 0;
    return { attempts: 1, thinking, response, probe: 0, total: thinking + response };
  }
  let thinking = 0;
  let response = 0;
  let probe = 0;
  for (const a of attempts) {
    thinking += a.thinkingTokens;
    response += a.responseTokens;
    probe += a.probeTokens ?? 0;
  }
  return { attempts: attempts.length, thinking, response, probe, total: thinking + response + probe };
}

/** Thinking tokens of every attempt, summed: what a voted trace spent thinking (reports, accuracy vs tokens). */
export function spentThinkingTokens(trace: Pick<Trace, 'metrics' | 'budget'>): number {
  return spentTokens(trace).thinking;
}

/** Response tokens of every attempt, summed. */
export function spentResponseTokens(trace: Pick<Trace, 'metrics' | 'budget'>): number {
  return spentTokens(trace).response;
}

export interface VoteGroup {
  /** The first answer text seen for this group (later equivalent answers join it). */
  answer: string;
  count: number;
  /** Attempt indices (0-based) that voted for it. */
  attempts: number[];
}

export interface VoteTally {
  groups: VoteGroup[];
  /** Attempts that gave no answer. */
  abstained: number[];
  /** Largest group (ties: the one that reached its count first), or null if no answers. */
  leader: VoteGroup | null;
}

export function tallyVotes(answers: readonly (string | null)[], same: (a: string, b: string) => boolean): VoteTally {
  const groups: VoteGroup[] = [];
  const abstained: number[] = [];
  answers.forEach((a, i) => {
    if (a === null || a.trim() === '') {
      abstained.push(i);
      return;
    }
    const g = groups.find((x) => same(x.answer, a));
    if (g) {
      g.count++;
      g.attempts.push(i);
    } else groups.push({ answer: a, count: 1, attempts: [i] });
  });
  let leader: VoteGroup | null = null;
  for (const g of groups) {
    if (!leader || g.count > leader.count || (g.count === leader.count && g.attempts[g.count - 1] < leader.attempts[leader.count - 1])) {
      leader = g;
    }
  }
  return { groups, abstained, leader };
}

export type VoteStatus = 'agreed' | 'exhausted' | 'continue';

/** Stop at m agreeing answers, or after n attempts (the plurality answer then wins). */
export function voteStatus(tally: VoteTally, attempts: number, vote: { n: number; m: number }): VoteStatus {
  if (tally.leader && tally.leader.count >= vote.m) return 'agreed';
  if (attempts >= vote.n) return 'exhausted';
  // Even if every remaining attempt agreed with the leader, m would be out of reach.
  const best = tally.leader?.count ?? 0;
  if (best + (vote.n - attempts) < vote.m) return 'exhausted';
  return 'continue';
}
