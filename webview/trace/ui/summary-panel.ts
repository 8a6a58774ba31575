/**
 * Final answer and verdict, first correct episode, thinking spent after it (wasted tokens),
 * regret, and the budget decisions the run took.
 */
import type { Trace } from '../../../src/core/trace';
import { formatTokens, summarize } from '../model/summary';
import { h, icon, srOnly } from '../../common/dom';
import { answerNode } from '../render/answer-math';
import { probeRows } from '../model/probe-text';

export class SummaryPanel {
  readonly element: HTMLElement;
  private readonly onJump: (episodeIndex: number) => void;

  constructor(onJump: (episodeIndex: number) => void) {
    this.onJump = onJump;
    this.element = h('section', { class: 'rl-summary', 'aria-label': 'Summary' });
  }

  /** `wallMs`: the run's wall-clock time when the view saw it stream (speed falls back to it). */
  update(trace: Trace, live: boolean, wallMs: number | null = null): void {
    const s = summarize(trace);
    const final = trace.final;
    const verdict =
      final.correct === true
        ? h('span', { class: 'rl-verdict rl-verdict-correct' }, icon('pass'), ' correct')
        : final.correct === false
          ? h('span', { class: 'rl-verdict rl-verdict-incorrect' }, icon('error'), ' incorrect')
          : h('span', { class: 'rl-dim' }, trace.gold ? 'not graded' : 'no gold answer');
    const rows: [string, Node | string][] = [];
    rows.push(['Final answer', final.answer !== null ? h('span', {}, answerNode(final.answer), ' ', verdict) : h('span', { class: 'rl-dim' }, live ? 'not yet' : 'none found')]);
    if (final.reason) rows.push(['Grader', final.reason]);
    if (trace.gold) rows.push(['Gold', answerNode(trace.gold)]);
    else rows.push(['Gold', h('span', { class: 'rl-no-gold' }, "none given: answers are not graded; μ and self-check results compare with the model's own final answer")]);
    if (s.firstCorrectEpisode !== null) {
      const jump = h('button', { class: 'rl-link-button', type: 'button', title: 'Go to this episode' }, `episode #${s.firstCorrectEpisode}`);
      const target = s.firstCorrectEpisode;
      jump.addEventListener('click', () => this.onJump(target));
      rows.push(['First correct', h('span', {}, jump, s.firstCorrectAtTokens !== null ? ` at ${formatTokens(s.firstCorrectAtTokens)} tokens` : '')]);
      if (s.tokensAfterFirstCorrect !== null) {
        const share = s.wastedShare !== null ? ` (${Math.round(s.wastedShare * 100)}% of thinking)` : '';
        rows.push(['Tokens after first correct', `${formatTokens(s.tokensAfterFirstCorrect)}${share}`]);
      }
    } else if (trace.episodes.some((e) => e.verdict !== 'none')) {
      rows.push(['First correct', h('span', { class: 'rl-dim' }, 'no intermediate answer was correct')]);
    }
    if (s.cumulativeRegret !== null) rows.push(['Cumulative regret', `${s.cumulativeRegret.toFixed(2)} over ${s.probedEpisodes} probed episodes (version-1 variant: sum of 1 − μ, no shared budget)${s.basis === 'self' ? ' (self-consistency basis)' : ''}`]);
    rows.push(...probeRows(trace));
    const speed = runSpeed(trace, wallMs);
    if (speed && !live) rows.push(['Speed', speed]);
    // Only a finished trace can have been cut off; a live one is still thinking.
    if (trace.truncated && !live) rows.push(['Note', 'thinking was cut off before its end marker']);

    const list = h('dl', { class: 'rl-summary-list' });
    for (const [term, value] of rows) list.append(h('dt', {}, term), h('dd', {}, value));
    const decisions = trace.budget?.decisions ?? [];
    const decisionList = decisions.length
      ? h('details', { class: 'rl-decisions' },
          h('summary', {}, `Budget decisions (${decisions.length})`),
          h('ol', {}, ...decisions.map((d) => h('li', {}, h('span', { class: 'rl-decision-kind' }, d.kind), ` at ${formatTokens(d.atTokens)} tokens`, d.atEpisode !== undefined ? `, episode #${d.atEpisode}` : '', `: ${d.detail}`))))
      : null;
    this.element.replaceChildren(h('h2', { class: 'rl-section-title' }, 'Result'), list, decisionList ?? '');
    if (final.correct === null && final.answer !== null && !trace.gold) this.element.append(srOnly('No gold answer: correctness unknown.'));
  }
}

/**
 * Generation speed: the server's (eval tokens / eval time), unless it is more than twice what
 * the wall clock allows (a server reporting ~0 durations gave six-digit speeds): then tokens /
 * wall-clock time, labelled so.
 */
export function runSpeed(trace: Trace, wallMs: number | null): string | null {
  const tokens = trace.metrics.evalTokens ?? trace.metrics.thinkingTokens + trace.metrics.responseTokens;
  const wallRate = wallMs && wallMs > 0 && tokens > 0 ? (tokens / wallMs) * 1000 : null;
  const server = trace.metrics.tokensPerSecond;
  if (server && (wallRate === null || server <= 2 * wallRate)) return `${server.toFixed(1)} tokens/s`;
  if (wallRate !== null) return `${wallRate.toFixed(1)} tokens/s (wall clock; the server's timing was implausible)`;
  return null;
}
