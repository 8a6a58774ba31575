/**
 * Keyboard shortcuts (documented in docs/webview.md): j/k or Alt+↓/↑ move between episodes,
 * Enter expands, c copies, n/N step through search matches, / focuses search.
 */
import type { EpisodeList } from './episode-list';

export interface KeyActions {
  list: EpisodeList;
  focusSearch(): void;
  step(delta: 1 | -1): void;
  copy(index: number): void;
}

const TYPING = 'input, textarea, select, [contenteditable], vscode-textfield, vscode-textarea, vscode-single-select';

export function handleKey(event: KeyboardEvent, actions: KeyActions): void {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey) return;
  const target = event.target as Element | null;
  if (target?.closest?.(TYPING)) return;
  const { list } = actions;
  const onCard = target?.matches?.('.rl-card') ?? false;
  let handled = true;
  if ((event.key === 'j' && !event.altKey) || (event.altKey && event.key === 'ArrowDown')) {
    list.moveFocus(1);
  } else if ((event.key === 'k' && !event.altKey) || (event.altKey && event.key === 'ArrowUp')) {
    list.moveFocus(-1);
  } else if (event.altKey) {
    handled = false;
  } else if (event.key === 'Enter' && onCard) {
    list.toggle(list.currentPosition());
  } else if (event.key === 'c') {
    const episode = list.episodeAt(list.currentPosition());
    if (episode) actions.copy(episode.index);
    else handled = false;
  } else if (event.key === 'n') {
    actions.step(1);
  } else if (event.key === 'N') {
    actions.step(-1);
  } else if (event.key === '/') {
    actions.focusSearch();
  } else {
    handled = false;
  }
  if (handled) event.preventDefault();
}
