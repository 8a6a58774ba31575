/** Child process for the crash test: runs one dataset job and is killed mid-way by the parent. */
import { runDatasetJob } from '../../src/runs/dataset/job';

const [input, output, host, model] = process.argv.slice(2);
runDatasetJob({ input, output, models: [model], hosts: [host], backend: 'openai', concurrency: 2, report: false }).then(
  (r) => {
    console.log(JSON.stringify({ status: r.status, written: r.written }));
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
