// A node:test reporter that writes one JSON summary for scripts/run-tests.mjs: the runner's own
// totals (tests, pass, fail, skipped, todo), the skipped and todo tests by name, and the time of
// each file's top-level tests (to see where the time goes).
export default async function* summaryReporter(source) {
  const totals = {};
  const skipped = [];
  const todo = [];
  const fileMs = {};
  for await (const event of source) {
    const data = event.data ?? {};
    if (event.type === 'test:diagnostic' && data.nesting === 0) {
      const m = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ([\d.]+)$/.exec(data.message);
      if (m) totals[m[1]] = Number(m[2]);
    }
    if (event.type === 'test:pass' || event.type === 'test:fail') {
      const where = data.file ? `${data.file}: ` : '';
      if (data.skip !== undefined && data.skip !== false) skipped.push(`${where}${data.name}${typeof data.skip === 'string' ? ` (${data.skip})` : ''}`);
      if (data.todo !== undefined && data.todo !== false) todo.push(`${where}${data.name}`);
      if (data.nesting === 0 && data.file) fileMs[data.file] = (fileMs[data.file] ?? 0) + (data.details?.duration_ms ?? 0);
    }
  }
  yield `${JSON.stringify({ totals, skipped, todo, fileMs })}\n`;
}
