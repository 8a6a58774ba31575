/**
 * Problem (rendered Markdown + math), model, run status (announced politely to screen
 * readers), elapsed time, token counts and the Stop button.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { LiveState } from '../model/live-trace';
import { formatDuration, formatTokens, summarize } from '../model/summary';
import { h } from '../../common/dom';
import { recipeChip } from '../model/probe-text';
import { estimateCorrectionFor } from '../../../src/core/token-families';

const STATUS_TEXT: Record<string, string> = {
  starting: 'Starting…',
  thinking: 'Thinking…',
  answering: 'Answering…',
  voting: 'Voting…',
  probing: 'Probing progress…',
  done: 'Done',
  cancelled: 'Stopped',
  error: 'Failed',
};

export class Header {
  readonly element: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly model: HTMLElement;
  private readonly status: HTMLElement;
  private readonly elapsed: HTMLElement;
  private readonly tokens: HTMLElement;
  /** Which probe recipe the μ numbers come from (hidden when nothing is probed). */
  private readonly recipe: HTMLElement;
  private readonly stop: HTMLElement;
  private readonly error: HTMLElement;
  private renderedProblem: string | null = null;
  private readonly problemToggle: HTMLButtonElement;
  private readonly renderMarkdown: (text: string) => DocumentFragment;

  constructor(renderMarkdown: (text: string) => DocumentFragment, onStop: () => void) {
    this.renderMarkdown = renderMarkdown;
    this.problem = h('div', { class: 'rl-problem rl-markdown', 'aria-label': 'Problem' });
    this.model = h('span', { class: 'rl-model', title: 'Model' });
    this.status = h('span', { class: 'rl-status', role: 'status', 'aria-live': 'polite' });
    this.elapsed = h('span', { class: 'rl-elapsed', title: 'Elapsed time' });
    this.tokens = h('span', { class: 'rl-token-counts' });
    this.recipe = h('span', { class: 'rl-probe-recipe rl-dim', hidden: true });
    this.stop = h('vscode-button', { icon: 'debug-stop', secondary: true, 'aria-label': 'Stop the run', title: 'Stop the run' }, 'Stop');
    this.stop.addEventListener('click', onStop);
    this.error = h('p', { class: 'rl-error', role: 'alert', hidden: true });
    const problemToggle = (this.problemToggle = h('button', { class: 'rl-link-button rl-problem-toggle', type: 'button', 'aria-expanded': 'false' }, 'Show all'));
    problemToggle.addEventListener('click', () => {
      const open = this.problem.classList.toggle('rl-problem-open');
      problemToggle.setAttribute('aria-expanded', String(open));
      problemToggle.textContent = open ? 'Show less' : 'Show all';
    });
    this.element = h('header', { class: 'rl-header' },
      this.problem, problemToggle,
      h('div', { class: 'rl-header-meta' }, this.model, this.status, this.elapsed, this.tokens, this.recipe, this.stop),
      this.error);
  }

  update(state: LiveState): void {
    const trace = state.trace;
    if (this.renderedProblem !== trace.problem) {
      this.renderedProblem = trace.problem;
      this.problem.replaceChildren(this.renderMarkdown(trace.problem || '(no problem text)'));
      // Offer "Show all" only when the clamped problem actually overflows.
      requestAnimationFrame(() => {
        const open = this.problem.classList.contains('rl-problem-open');
        this.problemToggle.hidden = !open && this.problem.scrollHeight <= this.problem.clientHeight + 2;
      });
    }
    this.model.textContent = trace.model ?? 'unknown model';
    const statusText = state.status ? (STATUS_TEXT[state.status] ?? state.status) : state.live ? 'Live' : stopText(trace.budget?.stop);
    const detail = state.statusDetail ? ` (${state.statusDetail})` : '';
    const next = `${statusText}${detail}`;
    if (this.status.textContent !== next) this.status.textContent = next; // only real changes are announced
    this.status.dataset.status = state.status ?? '';
    const elapsed = elapsedText(state);
    this.elapsed.textContent = elapsed.text;
    this.elapsed.title = elapsed.title;
    const tokens = tokenText(state);
    this.tokens.textContent = tokens.text;
    this.tokens.title = tokens.title;
    const chip = recipeChip(trace);
    this.recipe.hidden = chip === null;
    if (chip && this.recipe.textContent !== chip.text) this.recipe.textContent = chip.text;
    this.recipe.title = chip?.title ?? '';
    this.stop.hidden = !state.live;
    this.error.hidden = !state.error;
    this.error.textContent = state.error ?? '';
  }
}

function stopText(stop: string | undefined): string {
  switch (stop) {
    case 'length': return 'Cut off (length)';
    case 'budget': return 'Stopped by budget';
    case 'cancelled': return 'Stopped';
    case 'error': return 'Failed';
    default: return 'Finished';
  }
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The elapsed time, saying when it is the wall clock (the server reported an implausible duration). */
export function elapsedText(state: LiveState): { text: string; title: string } {
  if (state.elapsedMs === null) return { text: '', title: '' };
  const wallClock = state.elapsedSource === 'wall-clock' && !state.live;
  return {
    text: `${formatDuration(state.elapsedMs)}${wallClock ? ' (wall clock)' : ''}`,
    title: wallClock ? 'Measured here: the server reported an implausibly short duration' : state.live ? 'Elapsed time' : 'Duration reported by the server',
  };
}

/**
 * Token counts, each named by what counted it: while streaming, our live estimate; after, the
 * trace's counter (`metrics.tokenCounter`): the model's own tokenizer (CLI `--tokenizer`), else
 * our estimate, shown corrected to the model's tokens by its family's measured median ratio
 * (src/core/token-families.ts) when the model's name names the family.
 */
export function tokenText(state: LiveState): { text: string; title: string } {
  const s = summarize(state.trace);
  const tail = ` · ${formatTokens(s.responseTokens)} answer tokens · ${plural(s.episodes, 'episode')}`;
  if (state.live) {
    return {
      text: `≈${formatTokens(s.thinkingTokens)} thinking (live estimate)${tail}`,
      title: 'Thinking tokens estimated here while the text streams (src/core/tokens.ts); the server counts the generated tokens when the run ends',
    };
  }
  const m = state.trace.metrics;
  const server = m?.evalTokens !== undefined ? ` The server counted ${formatTokens(m.evalTokens)} generated tokens (thinking and answer together).` : '';
  const counter = m?.tokenCounter;
  if (counter?.startsWith('tokenizer:')) {
    return { text: `${formatTokens(s.thinkingTokens)} thinking${tail}`, title: `Counted by the model's own tokenizer (${counter.slice('tokenizer:'.length)}).${server}` };
  }
  const correction = estimateCorrectionFor(state.trace.model);
  if (correction) {
    const corrected = Math.round(s.thinkingTokens * correction.factor);
    return {
      text: `≈${formatTokens(corrected)} thinking (${correction.name} tokens, corrected estimate)${tail}`,
      title: `${correction.name} tokens: our estimate ${formatTokens(s.thinkingTokens)} × ${correction.factor.toFixed(3)}, ${correction.basis}. Answer tokens and the episode cards' counts are the uncorrected estimate.${server}`,
    };
  }
  return {
    text: `${formatTokens(s.thinkingTokens)} thinking (estimate)${tail}`,
    title: `Our estimate (src/core/tokens.ts): the model's name${state.trace.model ? ` "${state.trace.model}"` : ''} does not say which tokenizer it counts with.${server}`,
  };
}
