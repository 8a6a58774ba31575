/**
 * Reads and validates the `reasoningLens.*` settings. package.json's JSON schema makes the
 * Settings editor warn, but settings.json can still hold anything, so every value is checked
 * again here: an invalid value falls back to its default and yields a message that names the
 * setting and says what was wrong. No `vscode` import: the caller passes a getter.
 */
import type { BudgetPolicy, SegmentMode } from '../core/trace';
import { parseBudgetPolicy } from '../core/budget-policy';
import { DEFAULT_VIEW_SETTINGS, type ViewSettings } from '../shared/protocol';
import { resolveOllamaHost, DEFAULT_OLLAMA_HOST } from '../model/host';
import { normalizeOpenAIHost } from '../model/openai';

export interface LensSettings {
  /**
   * Normalised base URL (setting, else $OLLAMA_HOST, else the default); an OpenAI-compatible
   * server keeps its `openai+` prefix, which is how the backend factory tells the protocols apart.
   */
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
    const raw = str('host', '');
    host = /^\s*openai\+/i.test(raw) ? `openai+${normalizeOpenAIHost(raw)}` : resolveOllamaHost(raw, env);
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

/**
 * Checks a budget policy from settings, a custom quick-input or a job plan (untrusted JSON) with
 * the one core parser; the error names every bad field under `where` (e.g.
 * "reasoningLens.defaultBudget.earlyStop.plateau: expected …"). Pure: no vscode, testable as is.
 */
export function validateBudgetPolicy(value: unknown, where: string): BudgetValidation {
  const parsed = parseBudgetPolicy(value);
  if (parsed.ok) return parsed;
  return { ok: false, error: parsed.errors.map((e) => (e.field === '(budget)' ? `${where}: ${e.message}` : `${where}.${e.field}: ${e.message}`)).join('; ') };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
