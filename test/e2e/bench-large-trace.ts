/**
 * `npm run bench:e2e`: opens the 1,000-episode (~100k-token) trace in a real VS Code webview
 * and prints first-render and scroll frame times (one run, one table). Needs scripts/setup-e2e.sh.
 */
import { rmSync, statSync } from 'node:fs';
import { launchBrowser, makeWorkspace, openWorkbench, startCodeServer, workbenchUrl } from './harness';
import { formatMeasurement, measureLargeTrace, writeLargeTrace } from './largeTrace';

async function main(): Promise<void> {
  const workspace = makeWorkspace('bench', {
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'git.enabled': false,
  });
  const large = writeLargeTrace(workspace);
  if (!large) {
    console.log('NOTICE: ../shared/data is absent; the large-trace benchmark needs its Sky-T1 traces. Skipped.');
    rmSync(workspace, { recursive: true, force: true });
    return;
  }
  const server = await startCodeServer({ tag: 'bench' });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await openWorkbench(page, workbenchUrl(server, workspace), { waitForExtension: true });
    const m = await measureLargeTrace(page, 'large.trace.json', large.trace, statSync(large.file).size);
    console.log(formatMeasurement(m));
  } finally {
    await browser.close();
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
