/**
 * Agreement of labelEpisode with the LLM-made function tags of Thought Anchors
 * (../shared/data/traces/thought-anchors.com/<model>/<kind>/problem_<id>/chunks_labeled.json),
 * chunk by chunk. The tags are a reference made by another model, not ground truth.
 * Run: node --import tsx scripts/label-agreement.ts
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { labelEpisode } from '../src/core/labels';
import type { EpisodeLabel } from '../src/core/trace';

const root = path.resolve(__dirname, '..', '../shared/data/traces/thought-anchors.com');

/** Our label(s) -> the Thought Anchors tag it is compared with. */
const COMPARISONS: { name: string; ours: EpisodeLabel[]; tag: string }[] = [
  { name: 'verification', ours: ['verification'], tag: 'self_checking' },
  { name: 'backtracking', ours: ['backtracking'], tag: 'uncertainty_management' },
  { name: 'alternative', ours: ['alternative'], tag: 'uncertainty_management' },
  { name: 'backtracking|alternative', ours: ['backtracking', 'alternative'], tag: 'uncertainty_management' },
  { name: 'planning', ours: ['planning'], tag: 'plan_generation' },
  { name: 'computation', ours: ['computation'], tag: 'active_computation' },
  { name: 'answer', ours: ['answer'], tag: 'final_answer_emission' },
];

interface Chunk {
  chunk: string;
  function_tags: string[];
}

function problemDirs(): string[] {
  const out: string[] = [];
  const sub = (p: string) => readdirSync(p, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(p, d.name));
  for (const model of sub(root)) for (const kind of sub(model)) for (const problem of sub(kind)) out.push(problem);
  return out.sort();
}

function main(): void {
  if (!existsSync(root)) {
    console.error(`label-agreement: ${root} not found (the shared data must sit beside the project)`);
    process.exit(1);
  }
  const rows: { ours: Set<EpisodeLabel>; tags: Set<string> }[] = [];
  for (const dir of problemDirs()) {
    const file = path.join(dir, 'chunks_labeled.json');
    const chunks = JSON.parse(readFileSync(file, 'utf8')) as Chunk[];
    chunks.forEach((c, i) => {
      rows.push({ ours: new Set(labelEpisode(c.chunk, { isLast: i === chunks.length - 1 })), tags: new Set(c.function_tags) });
    });
  }
  const n = rows.length;
  console.log(`Thought Anchors chunks: ${n} (from ${problemDirs().length} traces)\n`);
  console.log('| our label | TA tag | TA share | ours share | precision | recall | F1 | kappa |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const c of COMPARISONS) {
    let tp = 0, fp = 0, fn = 0, tn = 0;
    for (const r of rows) {
      const p = c.ours.some((l) => r.ours.has(l));
      const g = r.tags.has(c.tag);
      if (p && g) tp++;
      else if (p) fp++;
      else if (g) fn++;
      else tn++;
    }
    const precision = tp / Math.max(1, tp + fp);
    const recall = tp / Math.max(1, tp + fn);
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    const po = (tp + tn) / n;
    const pe = ((tp + fp) / n) * ((tp + fn) / n) + ((fn + tn) / n) * ((fp + tn) / n);
    const kappa = pe < 1 ? (po - pe) / (1 - pe) : 0;
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    console.log(`| ${c.name} | ${c.tag} | ${pct((tp + fn) / n)} | ${pct((tp + fp) / n)} | ${precision.toFixed(2)} | ${recall.toFixed(2)} | ${f1.toFixed(2)} | ${kappa.toFixed(2)} |`);
  }
}

main();
