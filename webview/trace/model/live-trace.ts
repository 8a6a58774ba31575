/**
 * The trace the view shows, kept up to date by batches of RunEvents (pure: no DOM).
 * Events mutate one working copy; the returned change says what needs redrawing.
 */
import type { BudgetPolicy, Episode, Trace } from '../../../src/core/trace';
import type { RunEvent, RunStatus } from '../../../src/shared/protocol';

export interface LiveState {
  trace: Trace;
  live: boolean;
  status: RunStatus | null;
  statusDetail: string | null;
  /** Wall-clock time of the run so far, from 'tokens' events or the trace metrics. */
  elapsedMs: number | null;
  /**
   * Where elapsedMs comes from: the server's own total, or the wall clock the view saw while the
   * run streamed (used when the server's total is implausibly small, e.g. ~0 from some servers).
   */
  elapsedSource?: 'server' | 'wall-clock';
  /** Last run error, shown in the header. */
  error: string | null;
  /** Index of the episode opened and not yet closed (its text still grows), or null. */
  openEpisode: number | null;
}

export interface ViewChange {
  /** The trace object was replaced (new run, done, error): reconcile everything. */
  replaced: boolean;
  header: boolean;
  response: boolean;
  chart: boolean;
  budget: boolean;
  /** Indexes of episodes whose content changed (opened, grew, closed, answer, probe). */
  episodes: Set<number>;
}

export function noChange(): ViewChange {
  return { replaced: false, header: false, response: false, chart: false, budget: false, episodes: new Set() };
}

export function emptyTrace(id: string, problem: string, model: string | null, gold: string | null, policy: BudgetPolicy): Trace {
  return {
    version: 2,
    id,
    problem,
    gold,
    model,
    source: { kind: 'ollama' },
    thinking: '',
    response: '',
    episodes: [],
    final: { answer: null, correct: null },
    metrics: { thinkingTokens: 0, responseTokens: 0, episodes: 0, firstCorrectEpisode: null, tokensAfterFirstCorrect: null },
    budget: { policy, decisions: [], stop: 'done' },
  };
}

export function stateFromTrace(trace: Trace, live: boolean, status: RunStatus | null = null): LiveState {
  return {
    trace,
    live,
    status: status ?? (live ? 'starting' : null),
    statusDetail: null,
    elapsedMs: trace.metrics?.durationMs ?? null,
    error: trace.error ?? null,
    openEpisode: null,
  };
}

/** Puts an episode at its index (episodes arrive in order; a gap is tolerated, never thrown on). */
function placeEpisode(trace: Trace, episode: Episode): void {
  const at = trace.episodes.findIndex((e) => e.index === episode.index);
  if (at >= 0) trace.episodes[at] = episode;
  else {
    trace.episodes.push(episode);
    if (trace.episodes.length > 1 && trace.episodes[trace.episodes.length - 2].index > episode.index) {
      trace.episodes.sort((a, b) => a.index - b.index);
    }
  }
  trace.metrics.episodes = trace.episodes.length;
}

function episodeAt(trace: Trace, index: number): Episode | undefined {
  // Live events almost always touch the last episode.
  const last = trace.episodes[trace.episodes.length - 1];
  if (last && last.index === index) return last;
  return trace.episodes.find((e) => e.index === index);
}

/** Applies one batch of events in order; returns what changed. Unknown events are ignored. */
export function applyEvents(state: LiveState, events: readonly RunEvent[]): ViewChange {
  const change = noChange();
  for (const event of events) applyEvent(state, event, change);
  return change;
}

function applyEvent(state: LiveState, event: RunEvent, change: ViewChange): void {
  const trace = state.trace;
  switch (event.type) {
    case 'started':
      state.trace = emptyTrace(event.id, event.problem, event.model, event.gold, event.policy);
      state.live = true;
      state.status = 'starting';
      state.statusDetail = null;
      state.elapsedMs = 0;
      state.error = null;
      state.openEpisode = null;
      change.replaced = change.header = change.response = change.chart = change.budget = true;
      return;
    case 'status':
      state.status = event.status;
      state.statusDetail = event.detail ?? null;
      if (event.status === 'done' || event.status === 'cancelled' || event.status === 'error') {
        state.live = false;
        state.openEpisode = null;
      }
      change.header = true;
      return;
    case 'episode-opened':
    case 'episode-closed':
      placeEpisode(trace, { ...event.episode, labels: [...event.episode.labels] });
      if (event.type === 'episode-opened') state.openEpisode = event.episode.index;
      else if (state.openEpisode === event.episode.index) state.openEpisode = null;
      change.episodes.add(event.episode.index);
      change.chart = change.header = true;
      return;
    case 'episode-grew': {
      const episode = episodeAt(trace, event.index);
      if (!episode) return;
      episode.text = event.text;
      episode.end = event.end;
      episode.tokens = event.tokens;
      change.episodes.add(event.index);
      change.chart = true;
      return;
    }
    case 'answer-seen': {
      const episode = episodeAt(trace, event.episodeIndex);
      if (!episode) return;
      episode.answer = event.answer;
      episode.verdict = event.verdict;
      if (event.verdict === 'correct' && trace.metrics.firstCorrectEpisode === null) trace.metrics.firstCorrectEpisode = event.episodeIndex;
      change.episodes.add(event.episodeIndex);
      change.chart = change.header = true;
      return;
    }
    case 'response-grew':
      trace.response = event.text;
      change.response = true;
      return;
    case 'probe-result': {
      const episode = episodeAt(trace, event.episodeIndex);
      if (!episode) return;
      episode.progress = event.progress;
      change.episodes.add(event.episodeIndex);
      change.chart = change.header = true;
      return;
    }
    case 'budget-decision':
      trace.budget ??= { policy: {}, decisions: [], stop: 'done' };
      trace.budget.decisions.push(event.decision);
      change.budget = change.chart = change.header = true;
      return;
    case 'tokens':
      trace.metrics.thinkingTokens = event.thinkingTokens;
      trace.metrics.responseTokens = event.responseTokens;
      state.elapsedMs = event.elapsedMs;
      change.header = true;
      return;
    case 'done':
    case 'error':
      state.trace = event.trace;
      state.live = false;
      state.openEpisode = null;
      state.status = event.type === 'done' ? 'done' : 'error';
      state.error = event.type === 'error' ? event.message : (event.trace.error ?? null);
      Object.assign(state, finalElapsed(event.trace.metrics?.durationMs, state.elapsedMs));
      change.replaced = change.header = change.response = change.chart = change.budget = true;
      return;
    default:
      return;
  }
}

/**
 * The run's time once it ended: the server's total duration, unless it is less than half the
 * wall-clock time the view saw (a server that reports tiny durations would show "Done 0s"):
 * then the wall clock, marked as such.
 */
export function finalElapsed(serverMs: number | undefined, wallMs: number | null): Pick<LiveState, 'elapsedMs' | 'elapsedSource'> {
  if (serverMs !== undefined && (wallMs === null || serverMs >= wallMs / 2)) return { elapsedMs: serverMs, elapsedSource: 'server' };
  return { elapsedMs: wallMs, elapsedSource: 'wall-clock' };
}
