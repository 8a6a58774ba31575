/**
 * One open of the dataset view in this fresh process (bench/host-read.bench.ts bundles this file
 * with esbuild, as the extension is bundled, and runs it in new Node processes): what a user's
 * first open after VS Code starts pays, with every function of the read compiled on first use.
 * Prints the measurement as one JSON line. Arguments: the .trace.jsonl, the worker bundle.
 */
import { openDatasetView } from './dataset-open';

const [file, workerBundle] = process.argv.slice(2);
openDatasetView(file, workerBundle).then(
  (open) => console.log(JSON.stringify(open)),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
