/**
 * What opening the dataset view costs on the host, for 153 real annotated traces (Thought
 * Anchors MATH) and for 1,000 and 10,000 traces (the same real traces repeated with new ids):
 * reading the file with validation (what the view does) vs plain JSON.parse per line (the
 * baseline), the report + rows, and the message the view receives. Ratios are from this one run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { datasetPayload } from '../src/extension/dataset/rows';
import { parseTraceText } from '../src/extension/trace/traceFiles';
import { runDatasetJob } from '../src/runs/dataset/job';
import { sortRows, visibleRows, defaultFilters } from '../webview/dataset/rows';

const sharedData = resolve(__dirname, '..', '../shared/data');

function time<T>(fn: () => T, repeat = 3): { ms: number; value: T } {
  let best = Infinity;
  let value!: T;
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    value = fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: best, value };
}

async function main(): Promise<void> {
  if (!existsSync(sharedData)) {
    console.log(`notice: ${sharedData} not found; skipping`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'rl-bench-dsview-'));
  try {
    const base = join(dir, 'cots.trace.jsonl');
    await runDatasetJob({ input: join(sharedData, 'traces/thought-anchors-cots-math'), output: base, report: false });
    const lines = readFileSync(base, 'utf8').trim().split('\n');
    console.log('\nDataset view, host side (best of 3 runs, ms)\n');
    console.log('| traces | file MB | JSON.parse lines (baseline) | read + validate (view) | vs baseline | report + rows | message MB | sort 1 column (view) | filter (view) |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const n of [153, 1000, 10000]) {
      const text = Array.from({ length: n }, (_, i) => {
        const t = JSON.parse(lines[i % lines.length]) as { id: string };
        t.id = `${t.id}-${i}`;
        return JSON.stringify(t);
      }).join('\n') + '\n';
      const file = join(dir, `n${n}.trace.jsonl`);
      writeFileSync(file, text);
      const plain = time(() => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown).length);
      const validated = time(() => parseTraceText(readFileSync(file, 'utf8'), `n${n}.trace.jsonl`));
      const payload = time(() => datasetPayload(validated.value.traces, { file, name: 'x' }));
      const message = JSON.stringify(payload.value);
      const sort = time(() => sortRows(payload.value.rows, { key: 'problem', dir: 'asc' }).length);
      const filter = time(() => visibleRows(payload.value.rows, { ...defaultFilters(), outcome: 'incorrect', overthinking: true, overthinkingPercent: 10 }, { key: 'index', dir: 'asc' }).length);
      console.log(
        `| ${n} | ${(text.length / 1e6).toFixed(1)} | ${plain.ms.toFixed(0)} | ${validated.ms.toFixed(0)} | ${(validated.ms / plain.ms).toFixed(2)}x | ${payload.ms.toFixed(0)} | ${(message.length / 1e6).toFixed(2)} | ${sort.ms.toFixed(1)} | ${filter.ms.toFixed(1)} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
