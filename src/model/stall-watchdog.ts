/**
 * The connect and idle timeouts of a model stream. A timer that expires only aborts after the
 * event loop has had one more turn to read sockets: Node runs expired timers before it polls for
 * I/O, so in a process starved of CPU (a busy extension host, a loaded CI machine) a chunk that
 * already arrived would otherwise be mistaken for a stall and a healthy stream cut off.
 */
export type WatchKind = 'connect' | 'idle';

export class StallWatchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on every arm/disarm, so a deferred expiry from an older arm is ignored. */
  private generation = 0;

  constructor(private readonly onStall: (kind: WatchKind, ms: number) => void) {}

  arm(kind: WatchKind, ms: number): void {
    clearTimeout(this.timer);
    const armed = ++this.generation;
    this.timer = setTimeout(() => {
      // The check phase (setImmediate) comes after the poll phase: pending data is read first.
      setImmediate(() => {
        if (armed === this.generation) this.onStall(kind, ms);
      });
    }, ms);
  }

  disarm(): void {
    clearTimeout(this.timer);
    this.generation++;
  }
}
