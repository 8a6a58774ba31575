/** Reading a problem-set table (JSONL, JSON, CSV, Parquet) from a file; parsing is in src/formats/tabular. */
import { readFile } from 'node:fs/promises';
import { formatFromPath, parseTable, sniffFormat, type Table, type TableFormat } from '../formats/tabular/read';

export async function readTable(path: string, format?: TableFormat): Promise<Table> {
  const bytes = new Uint8Array(await readFile(path));
  return parseTable(bytes, format ?? formatFromPath(path) ?? sniffFormat(bytes));
}
