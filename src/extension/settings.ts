/**
 * Reads and validates the `reasoningLens.*` settings. package.json's JSON schema makes the
 * Settings editor warn, but settings.json can still hold anything, so every value is checked
 * again here: an invalid value falls back to its default and yields a message that names the
 * setting and says what was wrong. No `vscode` import: the caller passes a getter.
 */
import type { BudgetPolicy, SegmentMode } from '../core/trace';
import { DEFAULT_VIEW_SETTINGS, type ViewSettings } from '../shared/protocol';
import { resolveOllamaHost, DEFAULT_OLLAMA_HOST } from '../model/host';

export interface LensSettings {
  /** Normalised base URL (setting, else $OLLAMA_HOST, else the default). */
  host: string;
  model: string;
  defaultBudget: BudgetPolicy;
  samplesPerProbe: number;
  probeConcurrency: number;
  segmentationMode: SegmentMode;
  markers: string[];
  forcedStopText: string;
  answerPrefix: string;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  traceFolder: string;
  view: ViewSettings;
}

export const DEFAULT_SETTINGS: Readonly<LensSettings> = Object.freeze({
  host: '',
  model: '',
  defaultBudget: {},
  samplesPerProbe: 4,
  probeConcurrency: 2,
  segmentationMode: 'auto',
  markers: [],
  forcedStopText: '',
  answerPrefix: '',
  connectTimeoutMs: 5000,
  idleTimeoutMs: 120000,
  traceFolder: '.reasoning-lens',
  view: { ...DEFAULT_VIEW_SETTINGS },
});

export interface SettingsReadResult {
  settings: LensSettings;
  /** One message per invalid setting, e.g. "reasoningLens.host: ... (using the default ...)". */
  problems: string[];
}

/** Reads one key below `reasoningLens.` (e.g. "timeouts.idleMs"); undefined when unset. */
export type SettingGetter = (key: string) => unknown;

const SEGMENT_MODES: readonly SegmentMode[] = ['auto', 'mrt', 'sentence'];

export function readSettings(get: SettingGetter, env: NodeJS.ProcessEnv = process.env): SettingsReadResult {
  const problems: string[] = [];
  const d = DEFAULT_SETTINGS;

  function fail(key: string, why: string, fallback: unknown): void {
    problems.push(`reasoningLens.${key}: ${why} (using the default ${JSON.stringify(fallback)}).`);
  }

  function str(key: string, fallback: string): string {
    const v = get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') {
      fail(key, `expected a string, got ${describe(v)}`, fallback);
      return fallback;
    }
    return v;
  }

  function bool(key: string, fallback: boolean): boolean {
    const v = get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') {
      fail(key, `expected true or false, got ${describe(v)}`, fallback);
      return fallback;
    }
    return v;
  }

  function int(key: string, fallback: number, min: number, max: number): number {
    const v = get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      fail(key, `expected an integer, got ${describe(v)}`, fallback);
      return fallback;
    }
    if (v < min || v > max) {
      fail(key, `${v} is outside ${min}..${max}`, fallback);
      return fallback;
    }
    return v;
  }

  let host: string;
  try {
    host = resolveOllamaHost(str('host', ''), env);
  } catch (err) {
    fail('host', (err as Error).message, DEFAULT_OLLAMA_HOST);
    host = DEFAULT_OLLAMA_HOST;
  }

  const mode = get('segmentationMode');
  let segmentationMode: SegmentMode = d.segmentationMode;
  if (mode !== undefined && mode !== null) {
    if (typeof mode === 'string' && (SEGMENT_MODES as readonly string[]).includes(mode)) segmentationMode = mode as SegmentMode;
    else fail('segmentationMode', `expected one of ${SEGMENT_MODES.join(', ')}, got ${describe(mode)}`, d.segmentationMode);
  }

  let markers: string[] = [];
  const rawMarkers = get('markers');
  if (rawMarkers !== undefined && rawMarkers !== null) {
    if (!Array.isArray(rawMarkers)) fail('markers', `expected an array of strings, got ${describe(rawMarkers)}`, []);
    else {
      const bad = rawMarkers.findIndex((m) => typeof m !== 'string' || m.trim() === '');
      if (bad >= 0) fail('markers', `item ${bad} must be a non-empty string, got ${describe(rawMarkers[bad])}`, []);
      else markers = [...new Set(rawMarkers.map((m: string) => m.trim()))];
    }
  }

  const budgetResult = validateBudgetPolicy(get('defaultBudget'), 'reasoningLens.defaultBudget');
  let defaultBudget: BudgetPolicy = {};
  if (budgetResult.ok) defaultBudget = budgetResult.policy;
  else problems.push(`${budgetResult.error} (using the default {}).`);

  const settings: LensSettings = {
    host,
    model: str('model', d.model).trim(),
    defaultBudget,
    samplesPerProbe: int('samplesPerProbe', d.samplesPerProbe, 0, 64),
    probeConcurrency: int('probeConcurrency', d.probeConcurrency, 1, 16),
    segmentationMode,
    markers,
    forcedStopText: str('forcedAnswer.forcedStopText', d.forcedStopText),
    answerPrefix: str('forcedAnswer.answerPrefix', d.answerPrefix),
    connectTimeoutMs: int('timeouts.connectMs', d.connectTimeoutMs, 100, 600000),
    idleTimeoutMs: int('timeouts.idleMs', d.idleTimeoutMs, 1000, 3600000),
    traceFolder: str('traceFolder', d.traceFolder).trim() || d.traceFolder,
    view: {
      renderMath: bool('view.renderMath', d.view.renderMath),
      expandEpisodes: bool('view.expandEpisodes', d.view.expandEpisodes),
      showChart: bool('view.showChart', d.view.showChart),
    },
  };
  if (settings.traceFolder.split(/[\\/]/).includes('..')) {
    fail('traceFolder', 'must stay inside the workspace (no "..")', d.traceFolder);
    settings.traceFolder = d.traceFolder;
  }
  return { settings, problems };
}

export type BudgetValidation = { ok: true; policy: BudgetPolicy } | { ok: false; error: string };

const BUDGET_KEYS = new Set([
  'maxThinkingTokens',
  'minThinkingTokens',
  'extensions',
  'extensionText',
  'maxEpisodes',
  'earlyStop',
  'vote',
  'think',
]);

/** Checks a budget policy from settings or a custom quick-input (untrusted JSON). */
export function validateBudgetPolicy(value: unknown, where: string): BudgetValidation {
  if (value === undefined || value === null) return { ok: true, policy: {} };
  if (typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: `${where}: expected an object, got ${describe(value)}` };
  const v = value as Record<string, unknown>;
  const policy: BudgetPolicy = {};
  for (const key of Object.keys(v)) {
    if (!BUDGET_KEYS.has(key)) return { ok: false, error: `${where}.${key}: unknown field (known: ${[...BUDGET_KEYS].join(', ')})` };
  }
  const intField = (key: 'maxThinkingTokens' | 'minThinkingTokens' | 'extensions' | 'maxEpisodes', min: number): string | null => {
    const x = v[key];
    if (x === undefined) return null;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min) return `${where}.${key}: expected an integer >= ${min}, got ${describe(x)}`;
    policy[key] = x;
    return null;
  };
  const errors = [
    intField('maxThinkingTokens', 1),
    intField('minThinkingTokens', 0),
    intField('extensions', 0),
    intField('maxEpisodes', 1),
  ].filter((e): e is string => e !== null);
  if (errors.length) return { ok: false, error: errors[0] };
  if (policy.maxThinkingTokens !== undefined && policy.minThinkingTokens !== undefined && policy.minThinkingTokens > policy.maxThinkingTokens) {
    return { ok: false, error: `${where}.minThinkingTokens (${policy.minThinkingTokens}) is larger than maxThinkingTokens (${policy.maxThinkingTokens})` };
  }
  if (v.extensionText !== undefined) {
    if (typeof v.extensionText !== 'string' || v.extensionText.trim() === '') return { ok: false, error: `${where}.extensionText: expected a non-empty string, got ${describe(v.extensionText)}` };
    policy.extensionText = v.extensionText;
  }
  if (v.earlyStop !== undefined) {
    const e = v.earlyStop;
    if (typeof e === 'boolean') policy.earlyStop = e;
    else if (e && typeof e === 'object' && !Array.isArray(e)) {
      const w = (e as Record<string, unknown>).window;
      const p = (e as Record<string, unknown>).plateau;
      if (typeof w !== 'number' || !Number.isInteger(w) || w < 2) return { ok: false, error: `${where}.earlyStop.window: expected an integer >= 2, got ${describe(w)}` };
      if (p !== undefined && (typeof p !== 'number' || !(p >= 0))) return { ok: false, error: `${where}.earlyStop.plateau: expected a number >= 0, got ${describe(p)}` };
      policy.earlyStop = p === undefined ? { window: w } : { window: w, plateau: p as number };
    } else return { ok: false, error: `${where}.earlyStop: expected true/false or {window, plateau}, got ${describe(e)}` };
  }
  if (v.vote !== undefined) {
    const o = v.vote as Record<string, unknown> | null;
    if (!o || typeof o !== 'object' || Array.isArray(o)) return { ok: false, error: `${where}.vote: expected {n, m}, got ${describe(v.vote)}` };
    const { n, m, adaptive } = o;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) return { ok: false, error: `${where}.vote.n: expected an integer >= 1, got ${describe(n)}` };
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > n) return { ok: false, error: `${where}.vote.m: expected an integer in 1..n (${n}), got ${describe(m)}` };
    if (adaptive !== undefined && typeof adaptive !== 'boolean') return { ok: false, error: `${where}.vote.adaptive: expected true or false, got ${describe(adaptive)}` };
    policy.vote = adaptive === undefined ? { n, m } : { n, m, adaptive };
  }
  if (v.think !== undefined) {
    const t = v.think;
    if (t === true || t === false || t === 'low' || t === 'medium' || t === 'high') policy.think = t;
    else return { ok: false, error: `${where}.think: expected true, false, "low", "medium" or "high", got ${describe(t)}` };
  }
  return { ok: true, policy };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
