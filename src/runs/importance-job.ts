/**
 * Counterfactual importance of one trace as a resumable job, for the CLI (`reasoning-lens
 * importance`) and the extension ("Estimate Episode Importance") alike: every rollout is
 * appended to a rollout log as it completes (one write per line, src/io/append-line.ts), a run
 * under the same settings resumes from that log, and the result is the trace as format
 * version 2 with `episodes[i].importance` (checked by validateTrace).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { validateTrace } from '../core/schema';
import { TRACE_FORMAT_VERSION, type EpisodeImportance, type Trace } from '../core/trace';
import { appendWholeLine } from '../io/append-line';
import { readJsonl } from '../io/jsonl';
import { runImportance, TA_TEMPERATURE, TA_TOP_P, type EpisodeImportance as MeasuredImportance, type ImportanceRunOptions, type ImportanceRunResult, type RecordedRollout } from './importance';

/** What makes rollouts reusable: the same trace, model, server, embedding model, threshold, seed, token cap and segmentation. */
export interface RolloutSettings {
  model: string;
  host: string;
  embedModel: string;
  threshold: number;
  seed: number;
  maxTokens: number;
  mode: string | undefined;
}

/** Rollouts are reused on resume only under the same settings (the count and the adaptive rule may change). */
export function rolloutSettingsKey(s: RolloutSettings, traceId: string): string {
  const parts = [traceId, s.model, s.host, s.embedModel, s.threshold, s.seed, s.maxTokens, TA_TEMPERATURE, TA_TOP_P, s.mode];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** The rollout log by settings key; lines torn by a kill are skipped (that rollout is simply redone). */
export async function readRolloutLog(path: string): Promise<Map<string, RecordedRollout[]>> {
  const byKey = new Map<string, RecordedRollout[]>();
  if (!existsSync(path)) return byKey;
  for await (const line of readJsonl(path)) {
    if (!line.ok) continue;
    const v = line.value as { key?: unknown; rollout?: RecordedRollout };
    if (typeof v.key !== 'string' || !v.rollout || typeof v.rollout.prefix !== 'number') continue;
    const list = byKey.get(v.key) ?? [];
    list.push(v.rollout);
    byKey.set(v.key, list);
  }
  return byKey;
}

/** The trace as format version 2 with each episode's importance (`settled` left out when sampling never stopped early). */
export function withImportance(trace: Trace, measured: readonly MeasuredImportance[]): Trace {
  const out: Trace = {
    ...trace,
    version: TRACE_FORMAT_VERSION,
    episodes: trace.episodes.map((e, i) => {
      const m = measured[i];
      const importance: EpisodeImportance = { method: m.method, value: m.value, interval: m.interval, samples: m.samples, similar: m.similar, ...(m.settled ? { settled: m.settled } : {}) };
      return { ...e, importance };
    }),
  };
  const checked = validateTrace(out);
  if (!checked.ok) throw new Error(`the trace with importance does not validate: ${checked.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return out;
}

export interface ImportanceJobOptions extends Omit<ImportanceRunOptions, 'done' | 'onRollout'> {
  /** The rollout log (appended to, read on resume). */
  logPath: string;
  settings: RolloutSettings;
  /** The log already read (several traces of one file share it). */
  log?: Map<string, RecordedRollout[]>;
  onRollout?: (r: RecordedRollout) => void;
}

export interface ImportanceJobResult {
  result: ImportanceRunResult;
  /** Rollouts taken from the log. */
  resumed: number;
  /** The trace with importance; null when cancelled. */
  trace: Trace | null;
}

export async function runImportanceJob(trace: Trace, opts: ImportanceJobOptions): Promise<ImportanceJobResult> {
  const key = rolloutSettingsKey(opts.settings, trace.id);
  const log = opts.log ?? (await readRolloutLog(opts.logPath));
  const done = log.get(key) ?? [];
  const { logPath, settings: _settings, log: _log, onRollout, ...run } = opts;
  const result = await runImportance(trace, {
    ...run,
    done,
    onRollout: (rollout) => {
      appendWholeLine(logPath, JSON.stringify({ key, trace: trace.id, rollout }));
      onRollout?.(rollout);
    },
  });
  return { result, resumed: done.length, trace: result.cancelled ? null : withImportance(trace, result.episodes) };
}
