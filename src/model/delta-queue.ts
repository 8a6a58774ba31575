/**
 * A single-consumer async queue of stream deltas. The producer pushes deltas, then ends or
 * fails; a failure is delivered only after every delta pushed before it, so the consumer
 * always sees all received text before the error.
 */
import type { StreamDelta } from './types';

type Waiter = { resolve: (r: IteratorResult<StreamDelta>) => void; reject: (e: unknown) => void };

export class DeltaQueue implements AsyncIterable<StreamDelta> {
  private readonly items: StreamDelta[] = [];
  private waiter: Waiter | null = null;
  private closed = false;
  private failure: { error: unknown } | null = null;
  private iterated = false;

  /** @param onConsumerStop called when the consumer stops early (break/return). */
  constructor(private readonly onConsumerStop: () => void = () => {}) {}

  push(delta: StreamDelta): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve({ value: delta, done: false });
    } else this.items.push(delta);
  }

  end(): void {
    this.finish(null);
  }

  fail(error: unknown): void {
    this.finish({ error });
  }

  private finish(failure: { error: unknown } | null): void {
    if (this.closed) return;
    this.closed = true;
    this.failure = failure;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      if (failure) w.reject(failure.error);
      else w.resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamDelta> {
    if (this.iterated) throw new Error('StreamHandle.deltas can be iterated only once');
    this.iterated = true;
    return {
      next: () => {
        const item = this.items.shift();
        if (item) return Promise.resolve({ value: item, done: false });
        if (this.closed) {
          if (this.failure) {
            const { error } = this.failure;
            this.failure = null; // report the failure once, then behave as ended
            return Promise.reject(error);
          }
          return Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve, reject) => {
          this.waiter = { resolve, reject };
        });
      },
      return: () => {
        if (!this.closed) this.onConsumerStop();
        this.items.length = 0;
        this.closed = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
