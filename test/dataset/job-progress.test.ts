/**
 * Annotate Dataset's notification line (count, rate, ETA) as VS Code shows it. The extension
 * host throttles `progress.report` (100 ms, first call at once) and merges the reports of a
 * window keeping the last one's message even when it has none (`mergeProgress` in
 * extHostProgress.ts; code-server 4.100.3: `e.message=t.message`), and the notification shows
 * the message it receives. This replays a 5-record job through that pipeline.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { JobProgress, type ProgressSink } from '../../src/extension/dataset/jobPlan';

type Step = { message?: string; increment?: number };

/** VS Code's extension-host side of Progress: throttle(100 ms, merge) with a manual clock. */
class ExtHostProgressModel implements ProgressSink {
  shown: string | undefined;
  private lastRun = -Infinity;
  private pending: Step | null = null;
  private pendingAt = 0;
  constructor(private readonly clock: { now: number }) {}
  report(step: Step): void {
    this.flushDue();
    const merged: Step = this.pending ?? {};
    merged.message = step.message;
    if (typeof step.increment === 'number') merged.increment = (merged.increment ?? 0) + step.increment;
    if (this.pending) return;
    if (this.lastRun + 100 <= this.clock.now) {
      this.lastRun = this.clock.now;
      this.deliver(merged);
    } else {
      this.pending = merged;
      this.pendingAt = this.lastRun + 100;
    }
  }
  /** The throttle's timer fires. */
  flushDue(): void {
    if (this.pending && this.pendingAt <= this.clock.now) {
      const step = this.pending;
      this.pending = null;
      this.lastRun = this.clock.now;
      this.deliver(step);
    }
  }
  private deliver(step: Step): void {
    this.shown = step.message;
  }
}

test('the notification shows the count, rate and ETA after each record of a slow job', () => {
  const clock = { now: 0 };
  const vscodeProgress = new ExtHostProgressModel(clock);
  const line = new JobProgress(vscodeProgress, () => clock.now);
  line.start(5);
  assert.equal(vscodeProgress.shown, '0 of 5 · starting…');
  const seen: (string | undefined)[] = [];
  for (let done = 1; done <= 5; done++) {
    // ~4 s per record (a live solve), with the one-second ticker running meanwhile.
    for (let s = 0; s < 4; s++) {
      clock.now += 1000;
      vscodeProgress.flushDue();
      if (s < 3) line.tick();
    }
    line.record(done, true);
    clock.now += 150; // the throttle's timer has fired
    vscodeProgress.flushDue();
    seen.push(vscodeProgress.shown);
  }
  assert.match(seen[0] ?? '(no message)', /^1 of 5 · .* per min · about 16 s left$/);
  assert.match(seen[3] ?? '(no message)', /^4 of 5 · .* about 4 s left$/);
  assert.equal(seen[4], '5 of 5 · 15 per min');
});

test('while the first record runs the line says how long it has taken so far', () => {
  const clock = { now: 0 };
  const vscodeProgress = new ExtHostProgressModel(clock);
  const line = new JobProgress(vscodeProgress, () => clock.now);
  line.start(5);
  clock.now += 12_000;
  line.tick();
  assert.equal(vscodeProgress.shown, '0 of 5 · first record under way, 12 s so far');
});
