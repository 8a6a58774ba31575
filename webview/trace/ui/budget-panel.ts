/**
 * Budget controls beside the trace. "Re-run" is one click: it posts the policy the fields
 * describe (parsed and checked by model/budget-form; the host checks again).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import type { BudgetPolicy } from '../../../src/core/trace';
import type { ProbeRequest } from '../../../src/shared/protocol';
import { formFromPolicy, policyFromForm, type BudgetFormValues, type ThinkChoice } from '../model/budget-form';
import { h } from '../../common/dom';

type TextKey = Exclude<{
  [K in keyof BudgetFormValues]: BudgetFormValues[K] extends string ? K : never;
}[keyof BudgetFormValues], 'think'>;
type BoolKey = {
  [K in keyof BudgetFormValues]: BudgetFormValues[K] extends boolean ? K : never;
}[keyof BudgetFormValues];

interface TextControl extends HTMLElement {
  value: string;
  invalid: boolean;
  disabled: boolean;
}
interface CheckControl extends HTMLElement {
  checked: boolean;
}
interface SelectControl extends HTMLElement {
  value: string;
}

export interface BudgetPanelCallbacks {
  rerun(budget: BudgetPolicy, probe: ProbeRequest | false, model: string | undefined): void;
  annotate(probe: ProbeRequest): void;
  /** Field values changed (persist the draft). */
  changed(): void;
}

const THINK_OPTIONS: [ThinkChoice, string][] = [
  ['default', 'Model default'],
  ['on', 'On'],
  ['off', 'Off'],
  ['low', 'Low (gpt-oss)'],
  ['medium', 'Medium (gpt-oss)'],
  ['high', 'High (gpt-oss)'],
];

let fieldCounter = 0;

export class BudgetPanel {
  readonly element: HTMLElement;
  private readonly texts = new Map<TextKey, TextControl>();
  private readonly checks = new Map<BoolKey, CheckControl>();
  private readonly think: SelectControl;
  private readonly model: SelectControl;
  private readonly modelRow: HTMLElement;
  private readonly errors: HTMLElement;
  private readonly callbacks: BudgetPanelCallbacks;

  constructor(callbacks: BudgetPanelCallbacks) {
    this.callbacks = callbacks;
    this.think = this.select(THINK_OPTIONS);
    this.model = this.select([]);
    this.modelRow = this.row('Model', this.model, 'Model used by Re-run');
    this.modelRow.hidden = true;
    this.errors = h('div', { class: 'rl-form-errors', role: 'alert' });

    const rerun = h('vscode-button', { icon: 'debug-rerun', title: 'Run the problem again with this budget', 'aria-label': 'Re-run with this budget' }, 'Re-run');
    rerun.addEventListener('click', () => this.submit());
    const annotate = h('vscode-button', { secondary: true, icon: 'graph-line', title: 'Estimate μ for every episode of the shown trace', 'aria-label': 'Estimate progress of this trace' }, 'Estimate progress');
    annotate.addEventListener('click', () => this.submitAnnotate());

    const form = h('form', { class: 'rl-budget-form', 'aria-label': 'Budget' },
      this.group('Thinking budget',
        this.textRow('maxThinkingTokens', 'Max thinking tokens', 'none', 'Force the answer after this many thinking tokens (s1 budget forcing)'),
        this.textRow('minThinkingTokens', 'Min thinking tokens', 'none', 'Suppress the end of thinking until this many tokens'),
        this.textRow('extensions', 'Extensions ("Wait")', '0', 'At most this many times, replace the end of thinking with the extension text'),
        this.textRow('extensionText', 'Extension text', 'Wait', 'Text appended when extending'),
        this.textRow('maxEpisodes', 'Max episodes', 'none', 'Force the answer after this many episodes'),
        this.row('Thinking level', this.think, 'think parameter sent to Ollama; levels apply to gpt-oss'),
      ),
      this.group('Early stop',
        this.checkRow('earlyStop', 'Stop when forced answers stabilise'),
        this.textRow('earlyStopWindow', 'Window (episodes)', '3', 'Stop after this many consecutive probes give the same answer'),
        this.textRow('earlyStopPlateau', 'Plateau (μ change)', 'any', 'Also require μ to change by less than this'),
      ),
      this.group('Voting',
        this.checkRow('vote', 'Sequential voting'),
        this.textRow('voteN', 'Up to N answers', '5'),
        this.textRow('voteM', 'Stop at M agreeing', '3'),
        this.checkRow('voteAdaptive', 'Adaptive (stop as soon as the lead cannot change)'),
      ),
      this.group('Progress probes',
        this.checkRow('probe', 'Estimate μ after each episode'),
        this.textRow('samples', 'Samples per probe', '4', 'Forced answers sampled per episode prefix'),
      ),
      this.modelRow,
      this.errors,
      h('div', { class: 'rl-form-actions' }, rerun, annotate),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    form.addEventListener('change', () => this.callbacks.changed());
    form.addEventListener('input', () => this.callbacks.changed());
    const collapsible = h('vscode-collapsible', { heading: 'Budget', open: true, class: 'rl-budget-collapsible' }, form);
    this.element = h('aside', { class: 'rl-budget', 'aria-label': 'Budget controls' }, collapsible);
  }

  setPolicy(policy: BudgetPolicy, probe: ProbeRequest | false | undefined): void {
    this.setValues(formFromPolicy(policy, probe));
  }

  setValues(values: BudgetFormValues): void {
    for (const [key, control] of this.texts) control.value = values[key];
    for (const [key, control] of this.checks) control.checked = values[key];
    this.think.value = values.think;
    this.clearErrors();
  }

  values(): BudgetFormValues {
    const out = formFromPolicy({}, undefined);
    for (const [key, control] of this.texts) out[key] = control.value ?? '';
    for (const [key, control] of this.checks) out[key] = Boolean(control.checked);
    out.think = (this.think.value || 'default') as ThinkChoice;
    return out;
  }

  setModels(models: readonly string[], current: string | null | undefined): void {
    this.modelRow.hidden = models.length === 0;
    const names = current && !models.includes(current) ? [current, ...models] : models;
    this.model.replaceChildren(...names.map((name) => h('vscode-option', { value: name }, name)));
    if (current) this.model.value = current;
  }

  private submit(): void {
    const parsed = policyFromForm(this.values());
    if (!this.showErrors(parsed.errors)) return;
    const model = this.modelRow.hidden ? undefined : this.model.value || undefined;
    this.callbacks.rerun(parsed.policy, parsed.probe, model);
  }

  private submitAnnotate(): void {
    const values = { ...this.values(), probe: true };
    const parsed = policyFromForm(values);
    const probeErrors = parsed.errors.filter((e) => e.field === 'samples');
    if (!this.showErrors(probeErrors) || !parsed.probe) return;
    this.callbacks.annotate(parsed.probe);
  }

  private showErrors(errors: { field: keyof BudgetFormValues; message: string }[]): boolean {
    this.clearErrors();
    for (const error of errors) {
      const control = this.texts.get(error.field as TextKey);
      if (control) control.invalid = true;
      this.errors.append(h('p', {}, error.message));
    }
    return errors.length === 0;
  }

  private clearErrors(): void {
    for (const control of this.texts.values()) control.invalid = false;
    this.errors.replaceChildren();
  }

  private group(title: string, ...rows: HTMLElement[]): HTMLElement {
    return h('fieldset', { class: 'rl-fieldset' }, h('legend', {}, title), ...rows);
  }

  private row(label: string, control: HTMLElement, help?: string): HTMLElement {
    const id = `rl-field-${++fieldCounter}`;
    control.id = id;
    control.setAttribute('aria-label', label);
    return h('div', { class: 'rl-field', title: help }, h('label', { for: id }, label), control);
  }

  private textRow(key: TextKey, label: string, placeholder: string, help?: string): HTMLElement {
    const control = h('vscode-textfield', { placeholder, name: key }) as TextControl;
    this.texts.set(key, control);
    return this.row(label, control, help);
  }

  private checkRow(key: BoolKey, label: string): HTMLElement {
    const control = h('vscode-checkbox', { label, name: key }) as CheckControl;
    this.checks.set(key, control);
    return h('div', { class: 'rl-field rl-field-check' }, control);
  }

  private select(options: [string, string][]): SelectControl {
    return h('vscode-single-select', {}, ...options.map(([value, text]) => h('vscode-option', { value }, text))) as SelectControl;
  }
}
