/**
 * A request deadline that a busy event loop cannot turn into a false timeout.
 *
 * `AbortSignal.timeout(ms)` aborts from the timers phase. When the process was blocked (a
 * starved CI machine, a large module loading) past the deadline while the server's answer was
 * already waiting in the socket, libuv runs the expired timer before it polls the socket, and a
 * request answered in milliseconds fails as "timed out" (seen on /api/show with `--timeout 2000`).
 * Here the timer only schedules the abort with `setImmediate`, which runs after the next I/O poll:
 * an answer that arrived in time is read first, and one that did not still fails at the deadline.
 */
export function deadlineSignal(ms: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    setImmediate(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')));
  }, ms);
  // Like AbortSignal.timeout: a pending deadline does not keep the process alive.
  timer.unref?.();
  return controller.signal;
}
