/**
 * Dataset report files: summary JSON, readable Markdown and a self-contained HTML page (no
 * scripts; charts are inline SVG; every text from the data is escaped) written beside the output.
 */
import type { Trace } from '../../core/trace';
import { readJsonl } from '../../io/jsonl';
import { writeFileAtomic } from '../../io/write';
import { BASIS_TEXT, computeReport, type CurvePoint, type DatasetReport, type GroupSummary, type Stat } from '../../core/report';

export { computeReport } from '../../core/report';
export type { DatasetReport, GroupSummary } from '../../core/report';

export interface ReadTracesResult {
  traces: Trace[];
  /** Lines left out: unparseable, not a trace, or an id seen before (`field` names which). */
  problems: { line: number; field?: string; message: string }[];
}

/**
 * Read a trace JSONL (streamed); unparseable or malformed lines are reported with their line
 * number and skipped, and so is a repeated id (only its first line counts, so no trace is
 * counted twice in a report).
 */
export async function readTraceFile(path: string): Promise<ReadTracesResult> {
  const traces: Trace[] = [];
  const problems: ReadTracesResult['problems'] = [];
  const firstLine = new Map<string, number>();
  for await (const r of readJsonl(path)) {
    if (!r.ok) {
      problems.push({ line: r.line, message: r.message });
      continue;
    }
    const missing = missingTraceField(r.value);
    if (missing) {
      problems.push({ line: r.line, field: missing, message: `not a trace: field "${missing}" missing or wrong type` });
      continue;
    }
    const trace = r.value as Trace;
    const seen = firstLine.get(trace.id);
    if (seen !== undefined) {
      problems.push({ line: r.line, field: 'id', message: `${JSON.stringify(trace.id)} repeats line ${seen} (counted once)` });
      continue;
    }
    firstLine.set(trace.id, r.line);
    traces.push(trace);
  }
  return { traces, problems };
}

function missingTraceField(obj: unknown): string | null {
  if (typeof obj !== 'object' || obj === null) return '(record)';
  const t = obj as Record<string, unknown>;
  if (typeof t.id !== 'string') return 'id';
  if (!Array.isArray(t.episodes)) return 'episodes';
  if (typeof t.final !== 'object' || t.final === null) return 'final';
  if (typeof t.metrics !== 'object' || t.metrics === null) return 'metrics';
  return null;
}

/** `runs/x.trace.jsonl` → `runs/x.report` (extensions added by the writers). */
export function reportBase(outPath: string): string {
  return outPath.replace(/\.jsonl$/i, '').replace(/\.trace$/i, '') + '.report';
}

export interface WrittenReport {
  report: DatasetReport;
  json: string;
  markdown: string;
  html: string;
}

export function writeReport(outPath: string, traces: readonly Trace[], opts: { title?: string; budgets?: number[] } = {}): WrittenReport {
  const report = computeReport(traces, { budgets: opts.budgets });
  const base = reportBase(outPath);
  const title = opts.title ?? `Dataset report: ${outPath}`;
  const paths = { json: `${base}.json`, markdown: `${base}.md`, html: `${base}.html` };
  writeFileAtomic(paths.json, JSON.stringify(report, null, 2) + '\n');
  writeFileAtomic(paths.markdown, renderMarkdown(report, title));
  writeFileAtomic(paths.html, renderHtml(report, title));
  return { report, ...paths };
}

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);
const num = (x: number | null, digits = 1) => (x === null ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(digits));
const statText = (s: Stat, digits = 1) => (s.n === 0 ? '–' : `${num(s.mean, digits)} (median ${num(s.median, digits)}, n=${s.n})`);

/** Markdown table cells: model names and labels are data, so escape pipes and newlines. */
const mdCell = (s: string) => s.replace(/[|\\]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');

function groupRows(g: GroupSummary): [string, string][] {
  return [
    ['traces', String(g.traces)],
    ['graded', String(g.graded)],
    ['accuracy', `${pct(g.accuracy)} (${g.correct}/${g.graded})`],
    ['errors / truncated', `${g.errors} / ${g.truncated}`],
    ['without reasoning (the record had none, or empty thinking)', String(g.noReasoning)],
    ['stop reasons', Object.entries(g.stops).map(([k, v]) => `${k} ${v}`).join(', ') || '–'],
    ['thinking tokens', statText(g.thinkingTokens, 0)],
    ['response tokens', statText(g.responseTokens, 0)],
    ['episodes', statText(g.episodes)],
    ['any correct episode', pct(g.anyCorrectEpisode)],
    ['intermediate-answer accuracy (correct / graded episode answers)', pct(g.intermediateAccuracy)],
    ['self-checks', g.selfChecks.text.counts],
    ['self-check results', g.selfChecks.text.effects],
    ['first correct episode', statText(g.firstCorrectEpisode)],
    ['first correct (relative position)', statText(g.firstCorrectRelative, 2)],
    ['tokens after first correct', statText(g.tokensAfterFirstCorrect, 0)],
    ['share of thinking after first correct', statText(g.overthinkingShare, 2)],
    ['probed traces', String(g.probedTraces)],
    // Probe-derived rows per basis (gold / self), never averaged across bases.
    ...g.probes.flatMap((p) => p.rows.map(([k, v]): [string, string] => [`${p.basis} basis: ${k}`, v])),
  ];
}

/** Rows of several groups aligned by measure (groups may lack some probe rows): '–' where one has none. */
function alignedRows(groups: readonly GroupSummary[]): [string, string[]][] {
  const keys: string[] = [];
  const maps = groups.map((g) => new Map(groupRows(g)));
  for (const g of groups) for (const [k] of groupRows(g)) if (!keys.includes(k)) keys.push(k);
  return keys.map((k) => [k, maps.map((m) => m.get(k) ?? '–')]);
}

function curveTable(points: CurvePoint[], xName: string): string {
  if (points.length === 0) return '_no probed episodes_\n';
  return `| ${xName} | mean mu | n |\n|---:|---:|---:|\n${points.map((p) => `| ${p.x} | ${p.mean.toFixed(3)} | ${p.n} |`).join('\n')}\n`;
}

export function renderMarkdown(r: DatasetReport, title: string): string {
  const g = r.overall;
  const out: string[] = [`# ${mdCell(title)}`, '', `Generated ${r.generatedAt}.`, '', '## Summary', '', '| measure | value |', '|---|---|'];
  for (const [k, v] of groupRows(g)) out.push(`| ${k} | ${mdCell(v)} |`);
  out.push('', '## Episode labels', '', '| label | episodes | share |', '|---|---:|---:|');
  for (const [l, c] of Object.entries(g.labels)) out.push(`| ${mdCell(l)} | ${c.episodes} | ${pct(c.share)} |`);
  out.push('', `Verdicts: ${Object.entries(g.verdicts).map(([k, v]) => `${k} ${v}`).join(', ') || '–'}.`);
  if (g.probes.length === 0) out.push('', '## Mean progress (mu)', '', '_no probed episodes_');
  for (const p of g.probes) {
    out.push('', `## Mean progress (mu) by episode index, ${BASIS_TEXT[p.basis]}`, '', curveTable(p.progressByEpisode, 'episode'));
    out.push(`## Mean progress (mu) by thinking tokens (buckets of ${p.progressByTokens.bucket}), ${p.basis} basis`, '', curveTable(p.progressByTokens.points, 'tokens ≤'));
  }
  out.push('', '## Accuracy with a thinking-token cap', '', 'Per trace: final correctness if thinking ended within the cap, else gold-basis mu of the last probed prefix that fits.', '');
  out.push('| cap (tokens) | accuracy | n | finished before cap |', '|---:|---:|---:|---:|');
  for (const b of g.accuracyByBudget) out.push(`| ${b.budget} | ${pct(b.accuracy)} | ${b.n} | ${b.finishedBefore} |`);
  const models = Object.entries(r.models);
  if (models.length) {
    out.push('', '## Models', '', `| measure | ${models.map(([m]) => mdCell(m)).join(' | ')} |`, `|---|${models.map(() => '---').join('|')}|`);
    for (const [k, values] of alignedRows(models.map(([, s]) => s))) out.push(`| ${mdCell(k)} | ${values.map(mdCell).join(' | ')} |`);
    const budgets = models[0][1].accuracyByBudget.map((b) => b.budget);
    out.push('', '| cap (tokens) | ' + models.map(([m]) => mdCell(m)).join(' | ') + ' |', `|---:|${models.map(() => '---:').join('|')}|`);
    budgets.forEach((b, i) => out.push(`| ${b} | ${models.map(([, s]) => pct(s.accuracyByBudget[i]?.accuracy ?? null)).join(' | ')} |`));
  }
  return out.join('\n') + '\n';
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A line chart as inline SVG (y in [0, 1]); several series share the axes. */
function svgChart(series: { name: string; points: { x: number; y: number }[] }[], xLabel: string): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return '<p><em>no data</em></p>';
  const W = 520;
  const H = 220;
  const pad = 36;
  const xMax = Math.max(...all.map((p) => p.x), 1);
  const sx = (x: number) => pad + ((W - 2 * pad) * x) / xMax;
  const sy = (y: number) => H - pad - (H - 2 * pad) * y;
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
  const lines = series.map((s, i) => {
    const pts = s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${colors[i % colors.length]}" stroke-width="2" points="${pts}"><title>${escapeHtml(s.name)}</title></polyline>`;
  });
  const legend = series.map((s, i) => `<tspan fill="${colors[i % colors.length]}">■ ${escapeHtml(s.name)} </tspan>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img">
<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="#888"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="#888"/>
<text x="${pad - 4}" y="${sy(1) + 4}" text-anchor="end" font-size="11">1</text><text x="${pad - 4}" y="${sy(0) + 4}" text-anchor="end" font-size="11">0</text>
<text x="${W - pad}" y="${H - 8}" text-anchor="end" font-size="11">${escapeHtml(xLabel)} (max ${xMax})</text>
<text x="${pad}" y="14" font-size="11">${legend}</text>
${lines.join('\n')}
</svg>`;
}

function htmlTable(head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function renderHtml(r: DatasetReport, title: string): string {
  const g = r.overall;
  const groups: [string, GroupSummary][] = Object.keys(r.models).length ? Object.entries(r.models) : [['all traces', g]];
  // One series per group and basis: a gold-basis and a self-basis mu are never drawn as one line.
  const muSeries = groups.flatMap(([name, s]) => s.probes.map((p) => ({ name: `${name} (${p.basis} basis)`, points: p.progressByEpisode.map((c) => ({ x: c.x, y: c.mean })) })));
  const budgetSeries = groups.map(([name, s]) => ({ name, points: s.accuracyByBudget.filter((b) => b.accuracy !== null).map((b) => ({ x: b.budget, y: b.accuracy as number })) }));
  const modelTable = Object.keys(r.models).length
    ? `<h2>Models</h2>${htmlTable(['measure', ...Object.keys(r.models)], alignedRows(Object.values(r.models)).map(([k, values]) => [k, ...values]))}`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>Generated ${escapeHtml(r.generatedAt)}.</p>
<h2>Summary</h2>
${htmlTable(['measure', 'value'], groupRows(g))}
<h2>Episode labels</h2>
${htmlTable(['label', 'episodes', 'share'], Object.entries(g.labels).map(([l, c]) => [l, String(c.episodes), pct(c.share)]))}
<h2>Mean progress (mu) by episode index</h2>
${svgChart(muSeries, 'episode')}
${g.probes
  .map((p) => `<h3>${escapeHtml(BASIS_TEXT[p.basis])}</h3>
${htmlTable(['episode', 'mean mu', 'n'], p.progressByEpisode.map((c) => [String(c.x), c.mean.toFixed(3), String(c.n)]))}
${htmlTable([`tokens ≤ (bucket ${p.progressByTokens.bucket})`, 'mean mu', 'n'], p.progressByTokens.points.map((c) => [String(c.x), c.mean.toFixed(3), String(c.n)]))}`)
  .join('\n')}
<h2>Accuracy with a thinking-token cap</h2>
${svgChart(budgetSeries, 'cap (tokens)')}
${htmlTable(['cap (tokens)', 'accuracy', 'n', 'finished before cap'], g.accuracyByBudget.map((b) => [String(b.budget), pct(b.accuracy), String(b.n), String(b.finishedBefore)]))}
${modelTable}
</body></html>
`;
}
