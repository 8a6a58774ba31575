/**
 * The one host global src/core uses: performance.now() bounds the answer-equivalence time
 * (core/answers/equivalence.ts). Core is compiled without DOM and Node types (src/core/tsconfig.json),
 * so everything else a host offers (fs, fetch, document, process, timers) is a type error here.
 */
declare var performance: { now(): number };
