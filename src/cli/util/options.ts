/**
 * Options and value parsers shared by the commands: segmentation, generic-JSONL field names,
 * numbers and lists. (The budget flags live in budget-flags.ts.)
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { SegmentOptions } from '../../core/segment';
import type { SegmentMode } from '../../core/trace';
import { RECORD_FORMATS, type FieldNames, type RecordFormat } from '../../formats/types';
import { TOKENIZER_PACKAGES } from '../../model/tokenizers';
import type { TokenizerChoice } from '../../runs/token-recounter';

export interface PipelineFlags {
  mode: SegmentMode;
  maxSteps?: number;
  groupSize?: number;
  problemField?: string[];
  goldField?: string[];
  outputField?: string[];
  /** Read every record as this format instead of detecting it. */
  inputFormat?: RecordFormat;
}

/** An integer >= min, named in the message. */
export function positiveInteger(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}.`);
    return n;
  };
}

/** A finite number, named in the message. */
export function finiteNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number.`);
    return n;
  };
}

/** A repeatable, comma-separated list (`--model a,b --model c` → [a, b, c]). */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  return [...(previous ?? []), ...list];
}

/** Field names, comma-separated, tried in order. */
export function fieldList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new InvalidArgumentError('give at least one field name.');
  return names;
}

/** Segmentation options, the same in every command that splits thinking into episodes. */
export function addSegmentationOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--mode <mode>', 'segmentation: auto (broad markers), mrt (MRT\'s six markers, >= 3 paragraphs), sentence (Thought Anchors chunks)').choices(['auto', 'mrt', 'sentence']).default('auto'))
    .option('--max-steps <n>', 'at most N episode boundaries, the rest is the last episode (MRT: 45-99; default no limit)', positiveInteger('--max-steps', 0))
    .option('--group-size <n>', 'merge consecutive episodes in groups of N (MRT plots: 3-10; default 1)', positiveInteger('--group-size', 1));
}

export function addPipelineOptions(cmd: Command): Command {
  return addSegmentationOptions(cmd)
    .option('--problem-field <names>', 'problem field(s), comma-separated, tried in order (default problem,question,prompt)', fieldList)
    .option('--gold-field <names>', 'gold answer field(s) (default gold,answer,gt,gt_answer)', fieldList)
    .option('--output-field <names>', 'model output field(s) of generic JSON/JSONL (default output,response,completion,generation, and solution when it holds <think>)', fieldList)
    .addOption(
      new Option('--input-format <format>', 'read every JSON/JSONL/Parquet record as this format instead of detecting it (a record that is not of it is reported, never taken for another format; docs/formats.md)')
        .choices([...RECORD_FORMATS]),
    );
}

export function segmentOptionsFrom(flags: PipelineFlags): SegmentOptions {
  const opts: SegmentOptions = { mode: flags.mode };
  if (flags.maxSteps !== undefined) opts.maxSteps = flags.maxSteps;
  if (flags.groupSize !== undefined) opts.groupSize = flags.groupSize;
  return opts;
}

export function fieldNamesFrom(flags: PipelineFlags): Partial<FieldNames> {
  const names: Partial<FieldNames> = {};
  if (flags.problemField) names.problem = flags.problemField;
  if (flags.goldField) names.gold = flags.goldField;
  if (flags.outputField) names.output = flags.outputField;
  return names;
}

/** `--tokenizer F` (segment, annotate): recount tokens with the model's own tokenizer (src/runs/token-recounter.ts). */
export function tokenizerOption(): Option {
  return new Option('--tokenizer <family>', "count tokens with the model's own tokenizer (optional package; default: our estimate); auto: by each trace's model name, estimate where it names none").choices([...Object.keys(TOKENIZER_PACKAGES), 'auto']);
}

export interface TokenizerFlags {
  tokenizer?: TokenizerChoice;
}
