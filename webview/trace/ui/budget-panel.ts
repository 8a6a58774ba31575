/**
 * Budget controls beside the trace. Every field is checked as it is typed (model/budget-form,
 * which calls the one budget parser in core): a field's error shows next to it and Re-run stays
 * disabled until the form describes a policy a run accepts, so nothing is refused after it was
 * sent. "Re-run" is then one click: it posts that policy (the host checks it again).
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
import type { EarlyStopMode } from '../../../src/core/budget-policy';
import { h } from '../../common/dom';

type TextKey = Exclude<{
  [K in keyof BudgetFormValues]: BudgetFormValues[K] extends string ? K : never;
}[keyof BudgetFormValues], 'think' | 'earlyStopMode'>;
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
interface ButtonControl extends HTMLElement {
  disabled: boolean;
}

/** A form error as budget-form reports it: a form field, or a policy path for fields it shares. */
interface FormError {
  field: string;
  message: string;
}

/** Policy paths (as the core parser names them) → the field that holds them. */
const FIELD_OF_PATH: Record<string, TextKey> = {
  'earlyStop.window': 'earlyStopWindow',
  'earlyStop.plateau': 'earlyStopPlateau',
  'earlyStop.everyTokens': 'earlyStopEvery',
  'vote.n': 'voteN',
  'vote.m': 'voteM',
  'probe.samples': 'samples',
};

/** Fields that only mean something while their switch is on. */
const DEPENDS_ON: Partial<Record<TextKey, BoolKey>> = {
  earlyStopWindow: 'earlyStop',
  earlyStopPlateau: 'earlyStop',
  earlyStopEvery: 'earlyStop',
  voteN: 'vote',
  voteM: 'vote',
  samples: 'probe',
};

export interface BudgetPanelCallbacks {
  rerun(budget: BudgetPolicy, probe: ProbeRequest | false, model: string | undefined): void;
  /** `model`: the model field's value when the server's models are listed. */
  annotate(probe: ProbeRequest, model: string | undefined): void;
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

const EARLY_STOP_MODE_OPTIONS: [EarlyStopMode, string][] = [
  ['episode', 'Per episode'],
  ['dynasor', 'Dynasor (every N tokens)'],
];

/** Fields only one early-stop mode reads. */
const MODE_ONLY: Partial<Record<TextKey, EarlyStopMode>> = { earlyStopPlateau: 'episode', earlyStopEvery: 'dynasor' };

let fieldCounter = 0;

export class BudgetPanel {
  readonly element: HTMLElement;
  private readonly texts = new Map<TextKey, TextControl>();
  private readonly fieldErrors = new Map<TextKey, HTMLElement>();
  private readonly checks = new Map<BoolKey, CheckControl>();
  private readonly think: SelectControl;
  private readonly earlyStopMode: SelectControl;
  private readonly model: SelectControl;
  private readonly modelRow: HTMLElement;
  /** Errors that belong to no single text field. */
  private readonly errors: HTMLElement;
  private readonly rerunButton: ButtonControl;
  private readonly annotateButton: ButtonControl;
  private readonly callbacks: BudgetPanelCallbacks;
  /**
   * Select values and the model list waiting for the first paint after a load. vscode-single-
   * select re-renders on every assignment, even of the same value, and its render reads its own
   * getBoundingClientRect: a synchronous layout of the whole page with the new cards, inside the
   * load (≈80 ms at 10,000 episodes). The form reads the pending values until they are applied.
   */
  private readonly pendingSelects = new Map<SelectControl, string>();
  private pendingModels: { models: readonly string[]; selected: string | undefined } | null = null;
  private flushScheduled = false;

  constructor(callbacks: BudgetPanelCallbacks) {
    this.callbacks = callbacks;
    this.think = this.select(THINK_OPTIONS);
    this.earlyStopMode = this.select(EARLY_STOP_MODE_OPTIONS);
    this.model = this.select([]);
    this.modelRow = this.row('Model', this.model, 'Model used by Re-run and Estimate progress (models on the server)');
    this.modelRow.hidden = true;
    this.errors = h('div', { class: 'rl-form-errors', role: 'alert' });

    this.rerunButton = h('vscode-button', { icon: 'debug-rerun', title: 'Run the problem again with this budget', 'aria-label': 'Re-run with this budget' }, 'Re-run') as ButtonControl;
    this.rerunButton.addEventListener('click', () => this.submit());
    this.annotateButton = h('vscode-button', { secondary: true, icon: 'graph-line', title: 'Estimate μ for every episode of the shown trace', 'aria-label': 'Estimate progress of this trace' }, 'Estimate progress') as ButtonControl;
    this.annotateButton.addEventListener('click', () => this.submitAnnotate());

    const form = h('form', { class: 'rl-budget-form', 'aria-label': 'Budget', novalidate: true },
      this.group('Thinking budget',
        this.textRow('maxThinkingTokens', 'Max thinking tokens', 'none', 'Force the answer after this many thinking tokens (s1 budget forcing)'),
        this.textRow('minThinkingTokens', 'Min thinking tokens', 'none', 'If thinking ends before this many tokens, suppress the end and append the extension text (0: no minimum)'),
        this.textRow('extensions', 'Extensions ("Wait")', '0', 'At most this many times, replace the end of thinking with the extension text'),
        this.textRow('extensionText', 'Extension text', 'Wait', 'Text appended when extending'),
        this.textRow('maxEpisodes', 'Max episodes', 'none', 'Force the answer after this many episodes'),
        this.row('Thinking level', this.think, 'think parameter sent to the model; levels apply to gpt-oss'),
      ),
      this.group('Early stop',
        this.checkRow('earlyStop', 'Stop when forced answers stabilise or μ plateaus'),
        this.row('Mode', this.earlyStopMode, 'Per episode: forced answers after each closed episode. Dynasor (Dynasor-CoT): a probe inside the thinking every N tokens; stop and answer when the last W answers agree'),
        this.textRow('earlyStopWindow', 'Window', '3 (Dynasor: 2)', 'W: the last W probes giving the same confident answer stop the run; empty = 3 episodes (Dynasor: 2 probes)'),
        this.textRow('earlyStopPlateau', 'Plateau (μ change)', '0.05', 'δ: stop when μ rose by less than this over the last W episodes (0 to 1); empty = 0.05'),
        this.textRow('earlyStopEvery', 'Probe every (tokens)', '32', 'Dynasor mode: thinking tokens between probes (Dynasor uses 32 or 64); empty = 32'),
      ),
      this.group('Voting',
        this.checkRow('vote', 'Sequential voting over independent attempts'),
        this.textRow('voteN', 'Up to N answers', '8', 'N: attempts at most (IBPO: 8)'),
        this.textRow('voteM', 'Stop at M agreeing', '3', 'M: stop as soon as this many answers agree (IBPO: 3)'),
        this.checkRow('voteAdaptive', 'Adaptive (one attempt when forced answers before its last episode agree with it)'),
      ),
      this.group('Progress probes',
        this.checkRow('probe', 'Estimate μ after each episode'),
        this.textRow('samples', 'Samples per probe', '4', 'Forced answers sampled per episode prefix'),
      ),
      this.modelRow,
      this.errors,
      h('div', { class: 'rl-form-actions' }, this.rerunButton, this.annotateButton),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    // Checked as typed: the error shows at the field before anything is sent.
    const edited = () => {
      this.validate();
      this.callbacks.changed();
    };
    form.addEventListener('change', edited);
    form.addEventListener('input', edited);
    // The selects' change events do not bubble.
    this.think.addEventListener('change', edited);
    this.earlyStopMode.addEventListener('change', edited);
    this.model.addEventListener('change', edited);
    const collapsible = h('vscode-collapsible', { heading: 'Budget', open: true, class: 'rl-budget-collapsible' }, form);
    this.element = h('aside', { class: 'rl-budget', 'aria-label': 'Budget controls' }, collapsible);
    this.validate();
  }

  setPolicy(policy: BudgetPolicy, probe: ProbeRequest | false | undefined): void {
    this.setValues(formFromPolicy(policy, probe));
  }

  setValues(values: BudgetFormValues): void {
    // Only what changed: each assignment re-renders the element (lit), even with the same value.
    for (const [key, control] of this.texts) if ((control.value ?? '') !== values[key]) control.value = values[key];
    for (const [key, control] of this.checks) if (Boolean(control.checked) !== values[key]) control.checked = values[key];
    this.setSelect(this.think, values.think);
    this.setSelect(this.earlyStopMode, values.earlyStopMode);
    this.validate();
  }

  values(): BudgetFormValues {
    const out = formFromPolicy({}, undefined);
    for (const [key, control] of this.texts) out[key] = control.value ?? '';
    for (const [key, control] of this.checks) out[key] = Boolean(control.checked);
    out.think = (this.selectValue(this.think) || 'default') as ThinkChoice;
    out.earlyStopMode = (this.selectValue(this.earlyStopMode) || 'episode') as EarlyStopMode;
    return out;
  }

  setModels(models: readonly string[], current: string | null | undefined): void {
    this.modelRow.hidden = models.length === 0;
    // Only the server's models: a trace's own model that the server does not have (an imported
    // trace's Hugging Face id, say) would only fail; the host lists its preferred model first.
    const selected = current && models.includes(current) ? current : models[0];
    const shown = [...this.model.querySelectorAll('vscode-option')].map((o) => o.getAttribute('value'));
    if (!this.pendingModels && shown.length === models.length && shown.every((v, i) => v === models[i]) && this.model.value === (selected ?? '')) return;
    this.pendingModels = { models, selected };
    this.scheduleFlush();
  }

  /** The model Re-run and Estimate progress use (a pending list's selection until it is shown). */
  private modelValue(): string | undefined {
    if (this.modelRow.hidden) return undefined;
    return (this.pendingModels ? this.pendingModels.selected : this.model.value) || undefined;
  }

  private selectValue(control: SelectControl): string {
    return this.pendingSelects.get(control) ?? control.value;
  }

  private setSelect(control: SelectControl, value: string): void {
    if (this.selectValue(control) === value) return;
    if (control.value === value) this.pendingSelects.delete(control);
    else {
      this.pendingSelects.set(control, value);
      this.scheduleFlush();
    }
  }

  /** Applies pending selects and models in the task after the next paint (the load's first cards are on screen by then). */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    requestAnimationFrame(() => setTimeout(() => this.flushPending(), 0));
  }

  private flushPending(): void {
    this.flushScheduled = false;
    for (const [control, value] of this.pendingSelects) control.value = value;
    this.pendingSelects.clear();
    const pending = this.pendingModels;
    this.pendingModels = null;
    if (pending) {
      this.model.replaceChildren(
        ...pending.models.map((name) => {
          const option = h('vscode-option', { value: name }, name) as HTMLElement & { selected: boolean };
          option.selected = name === pending.selected; // see trace-picker.ts: the selection lives on the option
          return option;
        }),
      );
    }
  }

  /** The errors the fields show now (tests, and the draft the view persists). */
  currentErrors(): FormError[] {
    return policyFromForm(this.values()).errors as FormError[];
  }

  /**
   * Shows each field's error next to it, greys out fields whose switch is off, and enables
   * Re-run only for a valid form (Estimate progress needs only a valid sample count).
   */
  validate(): FormError[] {
    const values = this.values();
    for (const [key, control] of this.texts) {
      const owner = DEPENDS_ON[key];
      const mode = MODE_ONLY[key];
      control.disabled = (owner !== undefined && !values[owner]) || (mode !== undefined && values.earlyStopMode !== mode);
    }
    const errors = policyFromForm(values).errors as FormError[];
    this.showErrors(errors);
    this.rerunButton.disabled = errors.length > 0;
    this.rerunButton.title = errors.length > 0 ? 'Fix the fields marked in red to re-run' : 'Run the problem again with this budget';
    const probeErrors = policyFromForm({ ...values, probe: true }).errors.filter((e) => this.textKeyOf(e.field) === 'samples');
    this.annotateButton.disabled = probeErrors.length > 0;
    return errors;
  }

  private submit(): void {
    const parsed = policyFromForm(this.values());
    if (this.validate().length > 0) return;
    this.callbacks.rerun(parsed.policy, parsed.probe, this.modelValue());
  }

  private submitAnnotate(): void {
    const parsed = policyFromForm({ ...this.values(), probe: true });
    if (parsed.errors.some((e) => this.textKeyOf(e.field) === 'samples') || !parsed.probe) return;
    this.callbacks.annotate(parsed.probe, this.modelValue());
  }

  private textKeyOf(field: string): TextKey | undefined {
    if (this.texts.has(field as TextKey)) return field as TextKey;
    return FIELD_OF_PATH[field];
  }

  private showErrors(errors: readonly FormError[]): void {
    const byField = new Map<TextKey, string[]>();
    const general: string[] = [];
    for (const error of errors) {
      const key = this.textKeyOf(error.field);
      if (key) byField.set(key, [...(byField.get(key) ?? []), error.message]);
      else general.push(error.message);
    }
    for (const [key, control] of this.texts) {
      const messages = byField.get(key) ?? [];
      const slot = this.fieldErrors.get(key)!;
      control.invalid = messages.length > 0;
      slot.textContent = messages.join(' ');
      slot.hidden = messages.length === 0;
      if (messages.length) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    }
    this.errors.replaceChildren(...general.map((message) => h('p', {}, message)));
  }

  private group(title: string, ...rows: HTMLElement[]): HTMLElement {
    return h('fieldset', { class: 'rl-fieldset' }, h('legend', {}, title), ...rows);
  }

  private row(label: string, control: HTMLElement, help?: string, error?: HTMLElement): HTMLElement {
    const id = `rl-field-${++fieldCounter}`;
    control.id = id;
    control.setAttribute('aria-label', label);
    if (error) {
      error.id = `${id}-error`;
      control.setAttribute('aria-describedby', error.id);
    }
    return h('div', { class: 'rl-field', title: help }, h('label', { for: id }, label), control, ...(error ? [error] : []));
  }

  private textRow(key: TextKey, label: string, placeholder: string, help?: string): HTMLElement {
    const control = h('vscode-textfield', { placeholder, name: key }) as TextControl;
    const error = h('div', { class: 'rl-field-error', 'data-field': key, role: 'alert', hidden: true });
    this.texts.set(key, control);
    this.fieldErrors.set(key, error);
    return this.row(label, control, help, error);
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
