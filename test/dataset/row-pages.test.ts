/**
 * RowPager (src/extension/dataset/rowPages.ts): the dataset view's rows go to the page in pages,
 * one per turn, never the whole table in one message; a file still being read sends only its
 * new rows and then the report; a page that could not take a post gets a new load, not a gap.
 * The page's side is replayed here with the same rules as webview/dataset/app.ts (append a page
 * only when it continues the rows held of the same load).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DatasetReport } from '../../src/core/report';
import { DATASET_PAGE_ROWS, type DatasetPayload, type DatasetRow, type HostToDatasetView } from '../../src/shared/dataset-protocol';
import { RowPager } from '../../src/extension/dataset/rowPages';

function row(i: number): DatasetRow {
  return { index: i, id: `t-${i}`, problem: `Problem ${i}`, model: '', correct: i % 2 === 0, error: false, episodes: 1, thinkingTokens: 10, tokensAfterFirstCorrect: null, finalMu: null, labels: [] };
}
const report = (traces: number) => ({ overall: { traces } }) as unknown as DatasetReport;
const payload = (rows: DatasetRow[], extra: Partial<DatasetPayload> = {}): DatasetPayload => ({ file: '/x.trace.jsonl', name: 'x.trace.jsonl', report: report(rows.length), rows, problems: [], ...extra });

/** A pager whose later turns run when the test says, and a page that applies what it receives. */
function harness(accept: (m: HostToDatasetView) => boolean = () => true) {
  const turns: (() => void)[] = [];
  const posted: HostToDatasetView[] = [];
  const page = { load: -1, rows: [] as DatasetRow[], report: undefined as DatasetReport | undefined, rowCount: undefined as number | undefined, reading: false };
  const pager = new RowPager({
    post: (m) => {
      if (!accept(m)) return false;
      posted.push(m);
      if (m.type === 'dataset') Object.assign(page, { load: m.paging!.load, rows: m.rows.slice(), report: m.report, rowCount: m.paging!.rowCount, reading: m.reading !== undefined });
      else if (m.type === 'dataset-rows' && m.load === page.load && m.from === page.rows.length) page.rows.push(...m.rows);
      else if (m.type === 'dataset-read' && m.load === page.load) Object.assign(page, { report: m.report, rowCount: m.rowCount, reading: false });
      return true;
    },
    later: (fn) => turns.push(fn),
  });
  const runTurns = () => {
    let n = 0;
    while (turns.length) {
      turns.shift()!();
      n++;
    }
    return n;
  };
  return { pager, posted, page, runTurns };
}

test('a complete table goes in pages of DATASET_PAGE_ROWS, one per turn; the page ends with every row', () => {
  const { pager, posted, page, runTurns } = harness();
  const rows = Array.from({ length: 2 * DATASET_PAGE_ROWS + 17 }, (_, i) => row(i));
  pager.show(payload(rows));
  assert.equal(posted.length, 1, 'only the header and first page are posted at once');
  assert.equal(posted[0].type === 'dataset' && posted[0].rows.length, DATASET_PAGE_ROWS);
  assert.equal(pager.done, false);
  assert.equal(runTurns(), 2, 'each further page in its own turn');
  assert.deepEqual(posted.map((m) => m.type), ['dataset', 'dataset-rows', 'dataset-rows']);
  assert.deepEqual(page.rows, rows);
  assert.equal(page.rowCount, rows.length);
  assert.equal(pager.stats.largestPage, DATASET_PAGE_ROWS);
  assert.equal(pager.done, true);
});

test('a file still being read: the first page, then only new rows with progress, then the report over all', () => {
  const { pager, posted, page, runTurns } = harness();
  const rows = Array.from({ length: 50 }, (_, i) => row(i));
  pager.show(payload(rows, { reading: { traces: 50, bytes: 10, totalBytes: 100 } }));
  assert.equal(page.rowCount, undefined, 'the count is not known while reading');
  for (let i = 50; i < 450; i++) rows.push(row(i));
  pager.update(payload(rows, { report: report(50), reading: { traces: 450, bytes: 60, totalBytes: 100 } }));
  runTurns();
  const pages = posted.filter((m) => m.type === 'dataset-rows');
  assert.deepEqual(pages.map((m) => m.type === 'dataset-rows' && [m.from, m.rows.length, m.reading?.traces]), [[50, 400, 450]]);
  assert.equal(page.rows.length, 450);
  assert.equal(page.reading, true);
  for (let i = 450; i < 500; i++) rows.push(row(i));
  pager.update(payload(rows));
  assert.equal(posted.at(-1)!.type, 'dataset-read', 'the report first, the last rows after it');
  runTurns();
  assert.deepEqual(page.rows.map((r) => r.id), rows.map((r) => r.id));
  assert.equal(page.rowCount, 500);
  assert.equal(page.report!.overall.traces, 500);
  assert.equal(page.reading, false);
  assert.equal(posted.filter((m) => m.type === 'dataset').length, 1, 'no row sent twice');
  assert.equal(pager.done, true);
});

test('the final rows in another array continue the load when they begin with the rows sent; otherwise a new load begins', () => {
  const { pager, posted, page, runTurns } = harness();
  const first = Array.from({ length: 20 }, (_, i) => row(i));
  pager.show(payload(first, { reading: { traces: 20, bytes: 1, totalBytes: 9 } }));
  pager.update(payload(Array.from({ length: 30 }, (_, i) => row(i))));
  runTurns();
  assert.deepEqual(posted.map((m) => m.type), ['dataset', 'dataset-read', 'dataset-rows']);
  assert.equal(page.rows.length, 30);

  pager.show(payload(first, { reading: { traces: 20, bytes: 1, totalBytes: 9 } }));
  const changed = Array.from({ length: 30 }, (_, i) => ({ ...row(i), id: `other-${i}` }));
  pager.update(payload(changed));
  runTurns();
  assert.equal(posted.at(-1)!.type, 'dataset', 'the file changed under the first page: shown anew');
  assert.deepEqual(page.rows.map((r) => r.id), changed.map((r) => r.id));
});

test('a page that could not take a post: the load stops there and the next update begins a new one with every row', () => {
  let refuse = false;
  const { pager, posted, page, runTurns } = harness(() => !refuse);
  const rows = Array.from({ length: 60 }, (_, i) => row(i));
  pager.show(payload(rows.slice(0, 20), { reading: { traces: 20, bytes: 1, totalBytes: 9 } }));
  refuse = true;
  const growing = rows.slice(0, 40);
  pager.update(payload(growing, { reading: { traces: 40, bytes: 5, totalBytes: 9 } }));
  runTurns();
  assert.equal(page.rows.length, 20, 'the refused page was not counted as sent');
  refuse = false;
  pager.update(payload(rows));
  runTurns();
  assert.equal(posted.filter((m) => m.type === 'dataset').length, 2);
  assert.deepEqual(page.rows, rows);
  assert.equal(page.rowCount, 60);
});

test('a new load while pages of the last one are pending: the old pages are dropped, the new load is sent whole', () => {
  const { pager, posted, page, runTurns } = harness();
  pager.show(payload(Array.from({ length: 3 * DATASET_PAGE_ROWS }, (_, i) => row(i))));
  const next = Array.from({ length: DATASET_PAGE_ROWS + 5 }, (_, i) => ({ ...row(i), id: `n-${i}` }));
  pager.show(payload(next));
  runTurns();
  assert.deepEqual(posted.map((m) => m.type === 'dataset' ? `dataset ${m.paging!.load}` : m.type === 'dataset-rows' ? `rows ${m.load} ${m.from}` : m.type), ['dataset 1', 'dataset 2', `rows 2 ${DATASET_PAGE_ROWS}`]);
  assert.deepEqual(page.rows, next);
  pager.cancel();
  pager.show(payload(next));
  pager.cancel();
  assert.equal(runTurns(), 1);
  assert.equal(posted.at(-1)!.type, 'dataset', 'nothing posted after cancel');
});
