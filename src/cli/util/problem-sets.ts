/**
 * Finding problem sets among the inputs of the offline commands: a named problem-set file is
 * a usage error with advice (it needs a model); one found while walking a directory is
 * skipped with a notice, so a folder mixing benchmarks and traces still annotates.
 */
import type { FieldNames } from '../../formats/types';
import { detectProblemSet, inspectStdin, type ProblemSetInfo } from '../../io/problem-set';

export interface InputFile {
  path: string;
  /** Found by walking a directory argument rather than named on the command line. */
  fromDirectory: boolean;
}

export interface ProblemSetCheck {
  /** The inputs to annotate. */
  files: string[];
  /** Named problem sets: each a complete message line (exit 2). */
  errors: string[];
  /** Problem sets found in directories and skipped: each a complete message line. */
  skipped: string[];
  /** What stdin held, when "-" was among the inputs: the annotator reads this instead. */
  stdin?: AsyncIterable<string>;
}

/** What to suggest: `annotate` can generate traces itself, `segment` cannot. */
export type AdviceFor = 'annotate' | 'segment';

export function describeProblemSet(info: ProblemSetInfo, advice: AdviceFor): string {
  const path = info.path === '-' ? '<stdin>' : info.path;
  if (info.problemField === null) {
    return `${path} is a table, not traces (CSV and Parquet inputs are problem sets), and ${info.detail ?? 'no problem column was found'}`;
  }
  const fields = info.goldField ? `${info.problemField}/${info.goldField}` : info.problemField;
  const generate = advice === 'annotate' ? 'add --model M [--host URL] to generate traces' : 'run `annotate FILE -o OUT --model M [--host URL]` to generate traces';
  // Model output in a table cannot be annotated offline (only JSON, JSONL and text traces are read).
  const alternative = info.table ? '' : ', or --output-field F if a column holds model output';
  return `${path} looks like a problem set (${info.problems} problem${info.problems === 1 ? '' : 's'}, fields ${fields}): ${generate}${alternative}`;
}

export async function checkProblemSets(inputs: readonly InputFile[], names: Partial<FieldNames>, advice: AdviceFor): Promise<ProblemSetCheck> {
  const result: ProblemSetCheck = { files: [], errors: [], skipped: [] };
  for (const input of inputs) {
    let info: ProblemSetInfo | null;
    if (input.path === '-') {
      const inspected = await inspectStdin(names);
      result.stdin = inspected.source;
      info = inspected.info;
    } else info = await detectProblemSet(input.path, names);
    if (!info) result.files.push(input.path);
    else if (input.fromDirectory) result.skipped.push(`skipped ${describeProblemSet(info, advice)}`);
    else result.errors.push(describeProblemSet(info, advice));
  }
  return result;
}
