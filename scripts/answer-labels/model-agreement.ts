/**
 * Agreement of the model-based answer reader (src/runs/answer-model.ts) with the hand labels
 * (test/data/answer-labels, docs/answers.md "Labelled set"), per source and per set, scored
 * like the rule extractor (scripts/answer-labels/score.ts): precision = correct / read,
 * recall = correct / labelled. Needs a real model on a local server; nothing here is faked.
 *
 *   node --import tsx scripts/answer-labels/model-agreement.ts --model qwen3:8b [--host URL]
 *       [--backend ollama|openai] [--set fresh] [--limit N per source] [--concurrency N]
 *
 * Prints three tables: the model alone (every episode asked), the rules alone, and the rules
 * then the model (what `annotate --answer-extractor model` does), plus the exact agreement
 * (same answer, or both none) of the model alone.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extractIntermediateAnswer } from '../../src/core/answers';
import { checkEquivalence } from '../../src/core/answers';
import { createBackend, type BackendKind } from '../../src/model/backend-factory';
import { ModelAnswerReader } from '../../src/runs/answer-model';
import { LABEL_DIR, LABEL_SETS, loadLabelledSet, type LabelSet, type LabelledEpisode } from './labelled-set';
import { formatTable, judge, scoreTable } from './score';

interface Args {
  model: string;
  host?: string;
  backend?: BackendKind;
  set?: LabelSet;
  limit?: number;
  concurrency: number;
}

function parseArgs(argv: string[]): Args {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const model = value('--model');
  if (!model) throw new Error('--model NAME is required (a model on the server, e.g. qwen3:8b)');
  const set = value('--set');
  if (set !== undefined && !(LABEL_SETS as readonly string[]).includes(set)) throw new Error(`--set: expected ${LABEL_SETS.join(', ')}, got ${set}`);
  const backend = value('--backend');
  if (backend !== undefined && backend !== 'ollama' && backend !== 'openai') throw new Error(`--backend: expected ollama or openai, got ${backend}`);
  const limit = value('--limit');
  const concurrency = Number(value('--concurrency') ?? 2);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency: expected a positive integer');
  return {
    model,
    ...(value('--host') ? { host: value('--host') } : {}),
    ...(backend ? { backend: backend as BackendKind } : {}),
    ...(set ? { set: set as LabelSet } : {}),
    ...(limit !== undefined ? { limit: Number(limit) } : {}),
    concurrency,
  };
}

function sameAnswer(item: LabelledEpisode, read: string | null): boolean {
  if (read === null || item.label === null) return read === item.label;
  return checkEquivalence(item.label, read, { problem: item.problem }).equivalent;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(join(LABEL_DIR, 'real-episodes.jsonl'))) throw new Error(`no labels in ${LABEL_DIR}`);
  let items = loadLabelledSet(resolve(__dirname, '../../../shared/data'));
  if (args.set) items = items.filter((i) => i.set === args.set);
  if (args.limit !== undefined) {
    // At most N per source, so a short run still covers every source.
    const per = new Map<string, number>();
    items = items.filter((i) => (per.set(i.source, (per.get(i.source) ?? 0) + 1).get(i.source) as number) <= (args.limit as number));
  }
  const reader = new ModelAnswerReader(createBackend(args.host, args.backend), args.model, { concurrency: args.concurrency });
  const started = Date.now();
  let done = 0;
  const byModel = new Map<string, string | null>();
  await Promise.all(
    items.map(async (item) => {
      byModel.set(item.key, await reader.read(item.problem, item.text));
      if (++done % 25 === 0) process.stderr.write(`${done}/${items.length} read (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }),
  );
  const rules = (item: LabelledEpisode) => extractIntermediateAnswer(item.text, { problem: item.problem, gold: item.gold });
  const model = (item: LabelledEpisode) => byModel.get(item.key) ?? null;
  console.log(`model ${args.model}, ${items.length} labelled episodes, ${reader.stats.requests} requests in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  console.log('## The model alone\n');
  console.log(formatTable(scoreTable(judge(items, model))));
  console.log('\n## The rules alone\n');
  console.log(formatTable(scoreTable(judge(items, rules))));
  console.log('\n## The rules, then the model where they read nothing (annotate --answer-extractor model)\n');
  console.log(formatTable(scoreTable(judge(items, (item) => rules(item) ?? model(item)))));
  const agree = items.filter((i) => sameAnswer(i, model(i))).length;
  console.log(`\nExact agreement of the model alone with the labels (same answer, or both none): ${agree}/${items.length} (${((100 * agree) / Math.max(1, items.length)).toFixed(1)}%)`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`model-agreement: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
