/**
 * Exports through the pure writers of src/formats/writers: HF chat JSONL, OpenAI chat completion
 * JSONL, an Inspect eval log (.json) and our minimal trace JSONL. Each goes to one file ("-":
 * stdout), written atomically; a trace a format cannot carry exactly is reported as skipped.
 */
import { basename } from 'node:path';
import type { Trace } from '../../core/trace';
import { jsonLines, type UnwritableTrace } from '../../formats/writers/common';
import { toHfChatRow } from '../../formats/writers/hf-chat';
import { toInspectLog } from '../../formats/writers/inspect';
import { toOpenAIChatCompletion } from '../../formats/writers/openai-chat';
import { toMinimalTrace } from '../../formats/writers/trace';
import { writeFileAtomic } from '../../io/write';

export const WRITER_FORMATS = ['hf-chat', 'openai-chat', 'inspect', 'trace-minimal'] as const;
export type WriterFormat = (typeof WRITER_FORMATS)[number];

export interface WriterExportOptions {
  /** hf-chat: `<think>…</think>` in the assistant content instead of reasoning fields. */
  thinkInContent?: boolean;
  /** The clock, for the writers' timestamps (tests pin it). */
  now?: Date;
  /** Names the Inspect log's dataset. */
  inputName?: string;
}

export interface WriterExportResult {
  written: string[];
  rows: number;
  skipped: UnwritableTrace[];
}

/** The file text of an export and what it could not carry. */
export function renderWriterExport(traces: readonly Trace[], format: WriterFormat, opts: WriterExportOptions = {}): { text: string; rows: number; skipped: UnwritableTrace[] } {
  const now = opts.now ?? new Date();
  if (format === 'inspect') {
    const { log, skipped } = toInspectLog(traces, { created: now.toISOString(), ...(opts.inputName ? { dataset: basename(opts.inputName) } : {}) });
    return { text: JSON.stringify(log, null, 2) + '\n', rows: log.samples.length, skipped };
  }
  const rows: object[] = [];
  const skipped: UnwritableTrace[] = [];
  for (const t of traces) {
    const r =
      format === 'hf-chat'
        ? toHfChatRow(t, { thinkInContent: opts.thinkInContent })
        : format === 'openai-chat'
          ? toOpenAIChatCompletion(t, { created: Math.floor(now.getTime() / 1000) })
          : toMinimalTrace(t);
    if ('reason' in r) skipped.push(r);
    else rows.push(r);
  }
  return { text: jsonLines(rows), rows: rows.length, skipped };
}

export function writeWriterExport(traces: readonly Trace[], format: WriterFormat, out: string, opts: WriterExportOptions = {}): WriterExportResult {
  const r = renderWriterExport(traces, format, opts);
  writeFileAtomic(out, r.text);
  return { written: [out], rows: r.rows, skipped: r.skipped };
}
