/** Solve Problem…, Solve with Budget…, Stop, Re-run with Other Budget. */
import * as vscode from 'vscode';
import type { BudgetPolicy } from '../../core/trace';
import type { Lens, SolveRequest } from '../trace/lens';
import { BUDGET_PRESETS, describePolicy } from '../trace/budgetPresets';
import { validateBudgetPolicy } from '../settings';
import { pickModel } from './models';
import { cleanGold, splitProblemAndGold } from '../../core/problem-text';

/** Arguments the commands accept when run programmatically (tests, keybindings with args). */
export interface SolveArgs {
  problem?: string;
  gold?: string | null;
  model?: string;
  budget?: BudgetPolicy;
  samples?: number;
}

/** Problem text from the user, and where it came from (the gold question is asked only for these). */
interface ResolvedProblem {
  problem: string;
  /** True when the user gave it (selection, input box, file), not a programmatic argument. */
  interactive: boolean;
}

/** Problem text: explicit argument, else the editor selection, else the input box (empty = whole file). */
async function resolveProblem(args: SolveArgs | undefined): Promise<ResolvedProblem | undefined> {
  if (typeof args?.problem === 'string' && args.problem.trim()) return { problem: args.problem, interactive: false };
  const editor = vscode.window.activeTextEditor;
  if (editor && !editor.selection.isEmpty) {
    const text = editor.document.getText(editor.selection).trim();
    if (text) return { problem: text, interactive: true };
  }
  const fileName = editor ? vscode.workspace.asRelativePath(editor.document.uri) : undefined;
  const typed = await vscode.window.showInputBox({
    title: 'Reasoning Lens: Solve Problem',
    prompt: fileName ? `Type a problem, or leave empty to use the whole file ${fileName}.` : 'Type the problem to solve.',
    placeHolder: 'e.g. What is the sum of the first 100 positive integers?',
    ignoreFocusOut: true,
    validateInput: (v) => (v.length > 200_000 ? 'The problem is longer than 200,000 characters.' : undefined),
  });
  if (typed === undefined) return undefined;
  if (typed.trim()) return { problem: typed.trim(), interactive: true };
  if (editor) {
    const whole = editor.document.getText().trim();
    if (whole) return { problem: whole, interactive: true };
  }
  void vscode.window.showWarningMessage('Reasoning Lens: no problem to solve (empty input and no open file).');
  return undefined;
}

/**
 * The gold answer: the argument when given; for a problem the user gave, an optional input
 * box, pre-filled with an `Answer:` / `####` / `\boxed{}` line found next to the problem (that
 * line is then left out of the prompt). Undefined: the user cancelled.
 */
async function resolveGold(args: SolveArgs | undefined, resolved: ResolvedProblem): Promise<{ problem: string; gold: string | null } | undefined> {
  if (args && args.gold !== undefined) return { problem: resolved.problem, gold: args.gold };
  if (!resolved.interactive) return { problem: resolved.problem, gold: null };
  const found = splitProblemAndGold(resolved.problem);
  const typed = await vscode.window.showInputBox({
    title: 'Reasoning Lens: Gold Answer (optional)',
    prompt:
      (found.gold !== null ? `Found "${formatAnswerLine(found)}" next to the problem (left out of the prompt). ` : '') +
      'The correct answer grades every intermediate and final answer. Leave empty to solve without one: then nothing is graded, and μ and self-checks compare with the model\'s own final answer.',
    placeHolder: 'e.g. 42, \\frac{1}{2}, (3, -1)',
    value: found.gold ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (v.length > 10_000 ? 'The gold answer is longer than 10,000 characters.' : undefined),
  });
  if (typed === undefined) return undefined;
  const gold = cleanGold(typed);
  return { problem: found.problem || resolved.problem, gold: gold === '' ? null : gold };
}

function formatAnswerLine(found: ReturnType<typeof splitProblemAndGold>): string {
  const gold = found.gold ?? '';
  const shown = gold.length > 60 ? `${gold.slice(0, 59)}…` : gold;
  return found.form === 'gsm8k' ? `#### ${shown}` : found.form === 'boxed' ? `\\boxed{${shown}}` : `Answer: ${shown}`;
}

async function resolveModel(lens: Lens, args: SolveArgs | undefined): Promise<string | undefined> {
  if (args?.model) return args.model;
  const configured = lens.settings().model;
  if (configured) return configured;
  return pickModel(lens, { save: true });
}

function argsFrom(value: unknown): SolveArgs | undefined {
  // From the editor context menu VS Code passes a Uri; from code, an object or a string.
  if (typeof value === 'string') return { problem: value };
  if (value && typeof value === 'object' && !(value instanceof vscode.Uri)) return value as SolveArgs;
  return undefined;
}

async function run(lens: Lens, args: SolveArgs | undefined, budget: BudgetPolicy | undefined): Promise<void> {
  const resolved = await resolveProblem(args);
  if (resolved === undefined) return;
  const withGold = await resolveGold(args, resolved);
  if (withGold === undefined) return;
  const model = await resolveModel(lens, args);
  if (!model) return;
  const request: SolveRequest = { problem: withGold.problem, model, gold: withGold.gold };
  if (budget) request.budget = budget;
  if (args?.samples !== undefined) request.probe = args.samples > 0 ? { samples: args.samples } : false;
  await lens.solve(request);
}

export async function solveCommand(lens: Lens, raw?: unknown): Promise<void> {
  const args = argsFrom(raw);
  await run(lens, args, args?.budget);
}

export async function solveWithBudgetCommand(lens: Lens, raw?: unknown): Promise<void> {
  const args = argsFrom(raw);
  const budget = args?.budget ?? (await pickBudget());
  if (!budget) return;
  await run(lens, args, budget);
}

/** Quick pick of the presets; "Custom…" asks for JSON and validates it. */
export async function pickBudget(current?: BudgetPolicy): Promise<BudgetPolicy | undefined> {
  const items = BUDGET_PRESETS.map((p) => ({ label: p.label, detail: p.detail, preset: p }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Reasoning Lens: Thinking Budget',
    placeHolder: current ? `Current: ${describePolicy(current)}` : 'How much may the model think?',
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if (picked.preset.policy) return picked.preset.policy;
  const text = await vscode.window.showInputBox({
    title: 'Reasoning Lens: Custom Budget (JSON)',
    prompt: 'Fields: maxThinkingTokens, minThinkingTokens, extensions, extensionText, maxEpisodes, earlyStop, vote {n, m}, think',
    value: JSON.stringify(current ?? { maxThinkingTokens: 2048 }),
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = parseCustomBudget(v);
      return r.ok ? undefined : r.error;
    },
  });
  if (text === undefined) return undefined;
  const r = parseCustomBudget(text);
  return r.ok ? r.policy : undefined;
}

export function parseCustomBudget(text: string): { ok: true; policy: BudgetPolicy } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `Not valid JSON: ${(err as Error).message}` };
  }
  return validateBudgetPolicy(value, 'budget');
}

export async function stopCommand(lens: Lens): Promise<void> {
  const live = lens.liveRuns();
  if (live.length === 0) {
    void vscode.window.showInformationMessage('Reasoning Lens: nothing is running.');
    return;
  }
  // Prefer the run shown in the focused panel; with several and none focused, ask.
  const focused = lens.activeSession()?.run;
  let target = focused?.live ? focused : live.length === 1 ? live[0] : undefined;
  if (!target) {
    const picked = await vscode.window.showQuickPick(
      [{ label: 'Stop all', run: undefined }, ...live.map((r) => ({ label: `${r.options.model}: ${r.options.problem.slice(0, 60)}`, description: `${r.tokens} tokens`, run: r }))],
      { title: 'Reasoning Lens: Stop which run?' },
    );
    if (!picked) return;
    if (!picked.run) {
      live.forEach((r) => r.cancel());
      return;
    }
    target = picked.run;
  }
  target.cancel();
}

export async function rerunCommand(lens: Lens): Promise<void> {
  const session = lens.activeSession();
  if (!session) {
    void vscode.window.showInformationMessage('Reasoning Lens: open a trace or run a solve first, then re-run it with another budget.');
    return;
  }
  const trace = session.trace();
  const budget = await pickBudget(session.budget());
  if (!budget) return;
  await lens.rerun(session, { budget, probe: session.probe(), model: trace.model ?? undefined });
}
