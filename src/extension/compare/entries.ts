/**
 * The other two ways into the compare view: a row of the dataset view (every trace of that
 * row's problem in the file: the same problem across models or budgets), and a finished
 * "Re-run with Other Budget" (the trace shown before and the re-run, opened when the re-run ends).
 */
import * as vscode from 'vscode';
import { describeBudget, MAX_COMPARED } from '../../core/compare';
import type { Trace } from '../../core/trace';
import type { Lens } from '../trace/lens';
import type { LiveRun } from '../trace/liveRun';
import { FileChangedError } from '../../io/trace-offsets';
import { asTraceList, sameProblemKey, type TraceList } from '../trace/traceList';
import { pickTraces } from './compareCommand';
import { CompareView, type CompareItem } from './compareView';

/**
 * Compares the traces of `traces` whose problem is the problem of row `index` (its id must
 * still be `id`: the file may have changed under the row). Returns the view, or a sentence
 * saying why there is nothing to compare. `file`: where the rows were read (a window reload
 * reads them again from there). `problemKeys`: sameProblemKey of each trace, when the list
 * keeps line places instead of traces (only the traces compared are then read).
 */
export async function compareSameProblem(
  lens: Lens,
  traces: readonly Trace[] | TraceList,
  index: number,
  id: string,
  fileName: string,
  file?: vscode.Uri,
  problemKeys?: readonly string[],
): Promise<CompareView | string> {
  const changed = `Trace ${id} is no longer at row ${index + 1}: the file changed.`;
  const list = asTraceList(traces);
  if (list.ids()[index] !== id) return changed;
  const items: CompareItem[] = [];
  try {
    const row = await list.load(index);
    const key = sameProblemKey(row.problem);
    const keys = problemKeys?.length === list.length ? problemKeys : undefined;
    for (let i = 0; i < list.length; i++) {
      if ((keys ? keys[i] : sameProblemKey(list.at(i).problem)) !== key) continue;
      items.push({ trace: await list.load(i), origin: `${fileName} row ${i + 1}`, ...(file ? { file, position: i } : {}) });
    }
  } catch (err) {
    if (err instanceof FileChangedError) return changed;
    throw err;
  }
  if (items.length < 2) return `No other trace in ${fileName} has the problem of row ${index + 1}: nothing to compare it with.`;
  const chosen = items.length <= MAX_COMPARED ? items : await pickTraces(items);
  return chosen ? CompareView.show(lens, chosen) : 'Nothing compared.';
}

/**
 * The file the original of a re-run can be read again from: the run that made it (saved), or a
 * trace view showing it from a file. None: the comparison keeps the trace itself.
 */
function originalFile(lens: Lens, original: Trace): { file: vscode.Uri; position?: number } | undefined {
  const run = [...lens.runs.values()].find((r) => r.savedTo && r.trace().id === original.id);
  if (run?.savedTo) return { file: vscode.Uri.file(run.savedTo) };
  for (const session of lens.sessions) {
    const origin = session.origin();
    if (session.file && session.trace().id === original.id) return { file: session.file, ...(origin?.index !== undefined ? { position: origin.index } : {}) };
  }
  return undefined;
}

/** When the re-run ends (done, stopped or failed: its partial trace is compared too), opens the comparison. */
export async function compareAfterRerun(lens: Lens, original: Trace, run: LiveRun): Promise<CompareView | undefined> {
  const rerun = await run.settled;
  if (rerun.episodes.length === 0 && original.episodes.length === 0) return undefined;
  try {
    return CompareView.show(lens, [
      { trace: original, label: 'original', origin: `before the re-run · budget: ${describeBudget(original.budget?.policy)}`, ...originalFile(lens, original) },
      { trace: rerun, label: 're-run', origin: `${run.savedTo ? vscode.workspace.asRelativePath(run.savedTo) : 'not saved'} · budget: ${describeBudget(run.budget)}`, ...(run.savedTo ? { file: vscode.Uri.file(run.savedTo) } : {}) },
    ], { alignment: 'tokens', background: true });
  } catch (err) {
    lens.log.warn(`Could not compare the re-run with the original: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}
