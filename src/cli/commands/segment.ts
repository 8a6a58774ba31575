/**
 * `reasoning-lens segment IN... [-o OUT]`: split traces into episodes and write them as
 * trace-format JSONL (stdout by default). Same records as `annotate`: labels, answers and
 * verdicts cost nothing extra offline and the format requires them.
 */
import type { Command } from 'commander';
import { addPipelineOptions, tokenizerOption, type PipelineFlags, type TokenizerFlags } from '../util/options';
import { runOffline } from '../util/run-offline';

export function registerSegmentCommand(program: Command): void {
  const cmd = program
    .command('segment')
    .description('split traces into episodes; writes trace-format JSONL')
    .argument('<inputs...>', 'trace files or directories ("-" for stdin)')
    .option('-o, --output <file>', 'output JSONL ("-" for stdout)', '-')
    .option('--force', 'replace OUT when it already exists inside an input folder (it is then left out of the inputs)')
    .addOption(tokenizerOption());
  addPipelineOptions(cmd).action(async (inputs: string[], flags: PipelineFlags & TokenizerFlags & { output: string; force?: boolean }) => {
    process.exitCode = await runOffline(inputs, flags, { output: flags.output, summaries: false, command: 'segment', force: Boolean(flags.force), tokenizer: flags.tokenizer, ...(flags.inputFormat ? { inputFormat: flags.inputFormat } : {}) });
  });
}
