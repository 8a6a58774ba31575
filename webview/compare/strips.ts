/**
 * The aligned strips: per trace, one bar of verdicts (correct / incorrect / no answer) and one
 * of labels (the episode's first label), every episode a block placed on the shared axis, so
 * the same column means the same episode index or the same token position in every trace. The
 * first correct episode is outlined and the divergence point is a line across all strips.
 * Blocks are positioned in percent of the axis; text goes in only as text and attributes.
 */
import type { Alignment, Comparison, ComparedEpisode } from '../../src/core/compare';
import { h, srOnly } from '../common/dom';
import { traceColour } from './chart';
import { axisEnd, divergenceX, episodeSpan, firstCorrect } from './model';

const pct = (v: number, end: number) => `${((100 * v) / end).toFixed(4)}%`;

function episodeTitle(e: ComparedEpisode): string {
  const parts = [`#${e.index}`, `${e.endTokens - e.startTokens} tokens`, e.verdict === 'none' ? 'no answer checked' : e.verdict];
  if (e.labels.length) parts.push(e.labels.join(', '));
  if (e.answer !== null) parts.push(`answer: ${e.answer.length > 80 ? `${e.answer.slice(0, 79)}…` : e.answer}`);
  if (e.mu !== null) parts.push(`μ ${e.mu.toFixed(2)}`);
  return parts.join(' · ');
}

export class CompareStrips {
  readonly element: HTMLElement;
  /** The comparison the blocks were built for: a new alignment only moves them. */
  private built: Comparison | null = null;
  private blocks: { el: HTMLElement; e: ComparedEpisode; position: number }[] = [];
  private mark: HTMLElement | null = null;
  private note: HTMLElement | null = null;

  constructor() {
    this.element = h('section', { class: 'rl-cmp-strips', 'aria-label': 'Verdicts and labels of every episode, aligned' });
  }

  update(comparison: Comparison, by: Alignment): void {
    if (this.built !== comparison) this.build(comparison);
    const end = axisEnd(comparison.traces, by);
    for (const { el, e, position } of this.blocks) {
      const [a, b] = episodeSpan(e, position, by);
      el.style.left = pct(a, end);
      el.style.width = pct(Math.max(0, b - a), end);
    }
    const dx = divergenceX(comparison.divergence[by], by);
    this.mark!.hidden = dx === null;
    if (dx !== null) this.mark!.style.left = `calc(var(--rl-cmp-name-width) + (100% - var(--rl-cmp-name-width)) * ${(dx / end).toFixed(6)})`;
    this.note!.textContent = by === 'index' ? 'Each block is one episode; columns are episode indices.' : 'Block widths are the episodes\' tokens; columns are thinking-token positions.';
  }

  private build(comparison: Comparison): void {
    this.built = comparison;
    this.blocks = [];
    const rows = comparison.traces.map((t, i) => {
      const verdicts = h('div', { class: 'rl-cmp-bar rl-cmp-verdicts', 'aria-hidden': 'true' });
      const labels = h('div', { class: 'rl-cmp-bar rl-cmp-labels', 'aria-hidden': 'true' });
      const first = firstCorrect(t);
      t.episodes.forEach((e, k) => {
        const title = episodeTitle(e);
        const verdict = h('div', { class: `rl-cmp-block rl-cmp-v-${e.verdict}${k === first ? ' rl-cmp-first-correct' : ''}`, title, 'data-episode': e.index });
        const label = h('div', { class: `rl-cmp-block rl-cmp-label-${e.labels[0] ?? 'none'}`, title, 'data-episode': e.index });
        verdicts.append(verdict);
        labels.append(label);
        this.blocks.push({ el: verdict, e, position: k }, { el: label, e, position: k });
      });
      const answered = t.episodes.filter((e) => e.verdict !== 'none');
      const summary = `${t.label}: ${t.episodes.length} episodes, ${answered.filter((e) => e.verdict === 'correct').length} correct and ${answered.filter((e) => e.verdict === 'incorrect').length} incorrect intermediate answers${first >= 0 ? `, first correct in episode #${t.episodes[first].index}` : ''}.`;
      const swatch = h('span', { class: 'rl-cmp-swatch', 'aria-hidden': 'true' });
      swatch.style.background = traceColour(i);
      return h('div', { class: 'rl-cmp-strip', 'data-trace': i },
        h('div', { class: 'rl-cmp-strip-name', title: t.label }, swatch, t.label),
        h('div', { class: 'rl-cmp-bars' }, verdicts, labels),
        srOnly(summary));
    });
    this.mark = h('div', { class: 'rl-cmp-diverge-mark', title: 'the intermediate answers diverge here', 'aria-hidden': 'true' });
    const track = h('div', { class: 'rl-cmp-strip-rows' }, ...rows, this.mark);
    this.note = h('span', {});
    this.element.replaceChildren(
      h('div', { class: 'rl-cmp-strip-legend rl-dim' },
        'Top bar: intermediate answer ', h('span', { class: 'rl-cmp-key rl-cmp-v-correct' }), ' correct ', h('span', { class: 'rl-cmp-key rl-cmp-v-incorrect' }), ' incorrect ', h('span', { class: 'rl-cmp-key rl-cmp-v-none' }), ' none; outlined: first correct. Bottom bar: first label of the episode. ', this.note),
      track,
    );
  }
}
