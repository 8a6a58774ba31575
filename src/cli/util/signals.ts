/**
 * The one way a command stops on a signal. SIGINT (Ctrl-C), SIGTERM (kill, systemd, CI) and
 * SIGHUP (closed terminal, ssh drop) all mean "stop and keep what is done": the first calls
 * `stop` (cancel the run; the command saves and exits with 128 + the signal's number), a second
 * one calls `beforeHardExit` (save what can be saved at once) and exits immediately.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGPIPE';

/** The signals we listen for. SIGPIPE is not one (Node ignores it): a lost stdout arrives as an
 * EPIPE error instead, and `stopOnLostOutput` turns it into the same graceful stop. */
export const STOP_SIGNALS: readonly Exclude<StopSignal, 'SIGPIPE'>[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The shell's convention: 128 + signal number (SIGHUP 1, SIGINT 2, SIGPIPE 13, SIGTERM 15). */
export const SIGNAL_EXIT_CODE: Record<StopSignal, number> = { SIGHUP: 129, SIGINT: 130, SIGPIPE: 141, SIGTERM: 143 };

export interface StopSignalWatch {
  /** The first signal received, or null. */
  readonly received: StopSignal | null;
  /** Stop listening (the default handlers come back). */
  dispose(): void;
}

/** Watches active now: while one is, the defaults below leave the stopping to it. */
let activeWatches = 0;
/** A watched command is stopping on a signal (its terminal may be gone: SIGHUP). */
let stopping = false;
/** The stop handlers of the active watches, for a stop that is not a signal (lost stdout). */
const liveStops = new Set<(signal: StopSignal) => void>();

/**
 * stdout is gone (EPIPE: the terminal or the reader closed it) while a command that stops
 * gracefully runs: stop it as on a hang-up, so it saves its output file instead of the process
 * exiting with the run unsaved. False when no such command runs.
 */
export function stopOnLostOutput(): boolean {
  if (liveStops.size === 0) return false;
  for (const stop of [...liveStops]) stop('SIGPIPE');
  return true;
}

/** True once a watched command received a stop signal and is saving what it has. */
export function stopInProgress(): boolean {
  return stopping;
}

/**
 * For commands without a watch (segment, offline annotate, export, grade, report): a stop
 * signal exits with 128 + N through process.exit, so 'exit' handlers run (temp files of an
 * unfinished atomic write are removed, a lock is released) and the output stays as it was.
 */
export function installDefaultStopHandlers(): void {
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (activeWatches === 0) process.exit(SIGNAL_EXIT_CODE[signal]);
    });
  }
}

export function watchStopSignals(stop: (signal: StopSignal) => void, beforeHardExit?: () => void): StopSignalWatch {
  let received: StopSignal | null = null;
  activeWatches++;
  const handlers = new Map<StopSignal, () => void>();
  const onStop = (signal: StopSignal) => {
    if (received === null) {
      received = signal;
      stopping = true;
      stop(signal);
      return;
    }
    try {
      beforeHardExit?.();
    } finally {
      process.exit(SIGNAL_EXIT_CODE[received]);
    }
  };
  liveStops.add(onStop);
  for (const signal of STOP_SIGNALS) {
    const handler = () => onStop(signal);
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  return {
    get received() {
      return received;
    },
    dispose() {
      if (handlers.size === 0) return;
      for (const [signal, handler] of handlers) process.off(signal, handler);
      handlers.clear();
      liveStops.delete(onStop);
      activeWatches--;
    },
  };
}

/** How the stop is announced: "Ctrl-C" reads better than SIGINT at a terminal. */
export function signalName(signal: StopSignal): string {
  if (signal === 'SIGPIPE') return 'output closed';
  return signal === 'SIGINT' ? 'Ctrl-C' : signal;
}
