/** `reasoning-lens export IN --format F -o OUT`: annotated traces as TRL stepwise supervision, Thought Anchors chunks or per-episode CSV. */
import { Option, type Command } from 'commander';
import { annotateTrace } from '../../core/annotate';
import type { Trace } from '../../core/trace';
import { writeExport, type ExportFormat, type LabelSource } from '../../runs/dataset/export';
import { loadInput } from '../../runs/dataset/input';
import { EXIT_BAD_RECORDS, EXIT_OK, UsageError } from '../util/exit';
import { finiteNumber } from '../util/options';

export function registerExportCommand(program: Command): Command {
  return program
    .command('export')
    .description('export annotated traces: TRL stepwise supervision, Thought Anchors chunks, or per-episode CSV')
    .argument('<input>', 'traces (our JSONL, or any trace format annotate reads; a directory is walked like annotate\'s)')
    .addOption(new Option('--format <format>', 'export format').choices(['trl', 'thought-anchors', 'csv']).makeOptionMandatory())
    .requiredOption('-o, --output <path>', 'output file (thought-anchors with several traces: a directory)')
    .option('--threshold <x>', 'trl: a step is good when its progress delta exceeds x (default 0)', finiteNumber('--threshold'), 0)
    .addOption(new Option('--labels <source>', 'trl: label steps from progress, verdicts, or auto').choices(['auto', 'progress', 'verdict']).default('auto'))
    .action(async (input: string, flags: { format: ExportFormat; output: string; threshold: number; labels: LabelSource }) => {
      let loaded;
      try {
        loaded = await loadInput(input, { kind: 'traces', exclude: [flags.output] });
      } catch (err) {
        throw new UsageError(`cannot read ${input}: ${(err as Error).message}`);
      }
      for (const i of loaded.issues) console.error(`${i.where}: ${i.field ?? '(record)'}: ${i.message} (skipped)`);
      // Our traces are exported as they are (their probes kept); raw formats are annotated first.
      const traces: Trace[] = loaded.items.map((it) => (it.kind === 'trace' ? (it.trace ?? annotateTrace(it.input)) : annotateTrace({ problem: it.problem, gold: it.gold, source: { kind: 'problem' } })));
      const r = writeExport(traces, flags.format, flags.output, { threshold: flags.threshold, labels: flags.labels });
      for (const s of r.skipped) console.error(`trace ${s.id}: not exported (${s.reason})`);
      console.log(`${flags.format}: ${r.rows} row(s) from ${traces.length} trace(s) → ${r.written.length === 1 ? r.written[0] : `${r.written.length} files under ${flags.output}`}`);
      process.exitCode = loaded.issues.length || r.skipped.length ? EXIT_BAD_RECORDS : EXIT_OK;
    });
}
