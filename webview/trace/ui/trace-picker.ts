/** Picker for files holding several traces (JSONL): choosing one posts 'select-trace'. */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { TraceListItem } from '../../../src/shared/protocol';
import { h } from '../../common/dom';

interface SelectControl extends HTMLElement {
  value: string;
}

export class TracePicker {
  readonly element: HTMLElement;
  private readonly select: SelectControl;
  private readonly label: HTMLElement;

  constructor(onSelect: (index: number) => void) {
    this.select = h('vscode-single-select', { id: 'rl-trace-picker', 'aria-label': 'Trace in this file' }) as SelectControl;
    this.select.addEventListener('change', () => {
      const index = Number(this.select.value);
      if (Number.isInteger(index) && index >= 0) onSelect(index);
    });
    this.label = h('label', { for: 'rl-trace-picker' }, 'Trace');
    this.element = h('div', { class: 'rl-picker', hidden: true }, this.label, this.select);
  }

  show(file: string, items: readonly TraceListItem[], selected: number): void {
    this.element.hidden = items.length < 2;
    this.label.textContent = `Trace (${items.length} in ${baseName(file)})`;
    // The selection goes on the option itself: vscode-single-select rebuilds its list from the
    // slotted options on 'slotchange' (after this call) and takes the selected and active entry
    // from their `selected` property. Setting `value` here resolved against the old options and
    // was then lost, so the first trace stayed shown and arrow keys counted from it.
    this.select.replaceChildren(
      ...items.map((item) => {
        const mark = item.correct === true ? '✓' : item.correct === false ? '✗' : '·';
        const option = h('vscode-option', { value: String(item.index), description: item.id }, `${item.index + 1}. ${mark} ${item.problem} (${episodesText(item.episodes)})`) as HTMLElement & { selected: boolean };
        option.selected = item.index === selected;
        return option;
      }),
    );
  }
}

export function episodesText(n: number): string {
  return `${n} ${n === 1 ? 'episode' : 'episodes'}`;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}
