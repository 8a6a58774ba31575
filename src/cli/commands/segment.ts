/**
 * `reasoning-lens segment IN... [-o OUT]`: split traces into episodes and write them as
 * trace-format JSONL (stdout by default). Same records as `annotate`: labels, answers and
 * verdicts cost nothing extra offline and the format requires them.
 */
import { Option, type Command } from 'commander';
import { addPipelineOptions, type PipelineFlags } from '../util/options';
import { runOffline } from '../util/run-offline';
import type { TokenizerFamily } from '../../model/tokenizers';

export function registerSegmentCommand(program: Command): void {
  const cmd = program
    .command('segment')
    .description('split traces into episodes; writes trace-format JSONL')
    .argument('<inputs...>', 'trace files or directories ("-" for stdin)')
    .option('-o, --output <file>', 'output JSONL ("-" for stdout)', '-')
    .option('--force', 'replace OUT when it already exists inside an input folder (it is then left out of the inputs)')
    .addOption(
      new Option('--tokenizer <family>', "count tokens with the model's own tokenizer (optional package; default: our estimate); auto: by each trace's model name, estimate where it names none")
        .choices(['qwen2.5', 'llama3.1', 'auto']),
    );
  addPipelineOptions(cmd).action(async (inputs: string[], flags: PipelineFlags & { output: string; force?: boolean; tokenizer?: TokenizerFamily | 'auto' }) => {
    process.exitCode = await runOffline(inputs, flags, { output: flags.output, summaries: false, command: 'segment', force: Boolean(flags.force), tokenizer: flags.tokenizer, ...(flags.inputFormat ? { inputFormat: flags.inputFormat } : {}) });
  });
}
