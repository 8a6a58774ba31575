/**
 * The progress-probe flags shared by `solve` and `annotate --model`: which probe recipe, fixed or
 * adaptive sampling, and the shared regret budgets and episode budget k (docs/cli.md).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { PROBE_RECIPE_NAMES, type ProbeRecipeName } from '../../core/probe-recipes';
import { DEFAULT_REGRET_K } from '../../core/metrics';
import { DEFAULT_REGRET_BUDGETS } from '../../core/regret';
import type { ProbeSettings } from '../../runs/contract';

export interface ProbeFlags {
  probeRecipe?: ProbeRecipeName;
  adaptiveSamples?: boolean;
  regretBudgets?: number[];
  regretK?: number;
}

/** The flag names as the user types them, by option key (for "needs --samples" messages). */
export const PROBE_FLAG_NAMES: Readonly<Record<keyof ProbeFlags, string>> = {
  probeRecipe: '--probe-recipe',
  adaptiveSamples: '--adaptive-samples',
  regretBudgets: '--regret-budgets',
  regretK: '--regret-k',
};

/** `--regret-budgets 4096,8192`: positive whole token counts, comma-separated, in any order (sorted, repeats dropped). */
export function parseRegretBudgets(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const budgets: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p) || Number(p) < 1 || !Number.isSafeInteger(Number(p))) {
      throw new InvalidArgumentError(`--regret-budgets: expected positive whole token counts separated by commas (e.g. ${DEFAULT_REGRET_BUDGETS.join(',')}), got "${value}".`);
    }
    budgets.push(Number(p));
  }
  return [...new Set(budgets)].sort((a, b) => a - b);
}

export function parseRegretK(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`--regret-k: expected a positive whole number of episodes, got "${value}".`);
  return n;
}

export function addProbeOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--probe-recipe <name>', 'progress probe: mrt = MRT\'s pass_at_k_given_prefix.py exactly (a solution after a stop text, up to 4096 tokens; mu = MRT\'s J_r); quick = "answer-now accuracy" (an immediate boxed answer, 32 tokens), a different quantity (default mrt)').choices([
        ...PROBE_RECIPE_NAMES,
      ]),
    )
    .option('--adaptive-samples', 'adaptive sampling per prefix (stop when the Beta-posterior 95% interval is <= 0.3 wide; biased, see docs/fidelity.md); --samples is then the cap (default 16); default: fixed K')
    .option('--regret-budgets <a,b,...>', `token budgets C0 for MRT's normalised regret, the same for every trace (default ${DEFAULT_REGRET_BUDGETS.join(',')})`, parseRegretBudgets)
    .option('--regret-k <k>', `common episode budget k for cumulative regret (default ${DEFAULT_REGRET_K})`, parseRegretK);
}

/** The ProbeSettings the flags ask for (only what was given). */
export function probeSettingsFrom(f: ProbeFlags): Partial<ProbeSettings> {
  return {
    ...(f.probeRecipe ? { recipe: f.probeRecipe } : {}),
    ...(f.adaptiveSamples ? { adaptive: true } : {}),
    ...(f.regretBudgets ? { regretBudgets: f.regretBudgets } : {}),
    ...(f.regretK !== undefined ? { regretK: f.regretK } : {}),
  };
}

/** Probe flags given while no probes run: each one named with what it needs. */
export function probeFlagsWithoutProbes(f: ProbeFlags, need: string): string[] {
  return (Object.keys(PROBE_FLAG_NAMES) as (keyof ProbeFlags)[])
    .filter((k) => f[k] !== undefined && f[k] !== false)
    .map((k) => `${PROBE_FLAG_NAMES[k]} is used only by progress probes: ${need}`);
}
