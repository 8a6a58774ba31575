/**
 * The dataset view's review queue, host side (docs/review.md, "Review queue"): which traces of
 * the file the reviewer chose to review, how many of them the review sidecar marks reviewed, and
 * "Review next", which opens the first queued trace not yet reviewed in a trace panel whose
 * traces are the queue (so ] / [ in its review panel move through the queue) with the review
 * panel open. The choice is kept per file in workspace state, so a closed and reopened view, or
 * a reloaded window, resumes where the reviewer left off; the sidecar is watched, so a review
 * made in any trace view (or another window) updates the progress.
 */
import * as vscode from 'vscode';
import { reviewedTraces } from '../../core/review/resolve';
import type { QueueTrace } from '../../core/review/queue';
import { readSidecar, sidecarPathFor } from '../../io/review-sidecar';
import { readQueueChoice, type HostToDatasetView, type ReviewQueueChoice } from '../../shared/dataset-protocol';
import type { Lens } from '../trace/lens';
import type { TraceSession } from '../trace/session';
import type { TraceList } from '../trace/traceList';
import { reviewTitle } from '../trace/viewTypes';
import { DEFAULT_QUEUE_CHOICE, reviewQueueOrder, type QueueOrder } from './reviewQueueState';

const STATE_KEY = 'reasoningLens.reviewQueue';
/** A burst of review keys writes a burst of sidecar lines: read the sidecar once after it. */
const SIDECAR_DELAY_MS = 150;

export interface ReviewQueueHost {
  /** What the queue reads of the file's traces as last read (the rows' order); not the traces (a big file's are not kept). */
  traces(): readonly QueueTrace[] | Promise<readonly QueueTrace[]>;
  /** The file's traces at these indexes, read when shown. */
  pick(indexes: readonly number[]): TraceList;
  post(message: HostToDatasetView): void;
}

export class ReviewQueue implements vscode.Disposable {
  private session: TraceSession | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** Refreshes in flight settle in order; only the latest one posts. */
  private generation = 0;
  /** For tests: 'review-queue' messages posted. */
  readonly stats = { posted: 0 };

  constructor(
    private readonly lens: Lens,
    private readonly file: vscode.Uri,
    private readonly host: ReviewQueueHost,
  ) {
    if (file.scheme === 'file') {
      const name = `${file.path.split('/').pop() ?? ''}.annotations.jsonl`;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(file, '..'), name));
      const changed = (): void => this.scheduleRefresh();
      this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
    }
  }

  /** The reviewer's choice for this file (workspace state), or the default. */
  choice(): ReviewQueueChoice {
    const kept = this.lens.context.workspaceState.get<Record<string, unknown>>(STATE_KEY, {})[this.file.toString()];
    const choice = kept === undefined ? undefined : readQueueChoice(kept);
    return choice === undefined || typeof choice === 'string' ? DEFAULT_QUEUE_CHOICE : choice;
  }

  async setChoice(choice: ReviewQueueChoice): Promise<void> {
    const all = { ...this.lens.context.workspaceState.get<Record<string, unknown>>(STATE_KEY, {}), [this.file.toString()]: choice };
    await this.lens.context.workspaceState.update(STATE_KEY, all);
    await this.refresh();
  }

  /** Reads the sidecar, computes the queue and sends it to the page. */
  async refresh(): Promise<QueueOrder | undefined> {
    const generation = ++this.generation;
    const traces = await this.host.traces();
    const sidecar = this.file.scheme === 'file' ? sidecarPathFor(this.file.fsPath) : undefined;
    const contents = sidecar ? await readSidecar(sidecar) : { annotations: [], problems: [], torn: [] };
    if (this.disposed || generation !== this.generation) return undefined;
    const order = reviewQueueOrder(traces, reviewedTraces(contents.annotations), this.choice(), {
      name: sidecar ? (sidecar.split(/[\\/]/).pop() ?? '') : '',
      skippedLines: contents.problems.length + contents.torn.length,
    });
    this.stats.posted++;
    this.host.post({ type: 'review-queue', queue: order.state });
    return order;
  }

  /** Opens the first queued trace not yet reviewed; the trace panel's traces are the queue. */
  async next(): Promise<TraceSession | undefined> {
    const order = await this.refresh();
    if (!order) return undefined;
    const next = order.state.next;
    if (!next) {
      this.host.post({ type: 'notice', message: order.state.queued ? 'Every trace in the queue is reviewed.' : 'The queue is empty: choose other criteria.' });
      return undefined;
    }
    const queued = this.host.pick(order.indexes);
    const source = { kind: 'traces' as const, traces: queued, selected: next.position, file: this.file, queue: { indexes: order.indexes }, title: reviewTitle };
    const title = reviewTitle(queued.at(next.position));
    // After a window reload the queue's panel is restored on its own: walk on in it, not in a second one.
    const session = this.session && !this.session.view.isDisposed ? this.session : (this.session = this.lens.queueSession(this.file));
    if (session && !session.view.isDisposed) {
      session.replace(source);
      session.view.panel.title = this.lens.uniqueTitle(title, session.view.panel);
    } else {
      this.session = this.lens.openPanel(source, title);
    }
    // The reviewer goes on with the keyboard: the trace panel takes focus.
    this.session!.view.panel.reveal(this.session!.view.panel.viewColumn, false);
    return this.session;
  }

  private scheduleRefresh(): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh().catch((err) => this.lens.log.warn(`Review queue of ${this.file.fsPath}: ${err instanceof Error ? err.message : String(err)}`));
    }, SIDECAR_DELAY_MS);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.session = undefined;
    for (const d of this.disposables) d.dispose();
  }
}
