/**
 * "Open as Trace" in real VS Code on every input format (docs/formats.md), one test each: the
 * real data where a format has some (Inspect logs, Sky-T1's Qwen2.5-Math eval JSONL, Thought
 * Anchors' solutions.json), our writers' output made from real Sky-T1 traces (HF chat, OpenAI
 * chat, Inspect log, minimal trace), and the documentation-shaped fixtures of test/formats for
 * the rest (each cites where its shape comes from). Each checks the traces the panel offers:
 * how many, which reader made them (`source.kind`), and that the thinking is kept.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as path from 'node:path';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { before, describe, it } from 'mocha';
import type { Trace } from '../../src/core/trace';
import { jsonLines } from '../../src/formats/writers/common';
import { toHfChatRow } from '../../src/formats/writers/hf-chat';
import { toInspectLog } from '../../src/formats/writers/inspect';
import { toOpenAIChatCompletion } from '../../src/formats/writers/openai-chat';
import { toMinimalTrace } from '../../src/formats/writers/trace';
import { readTracesAnyFormat } from '../../src/io/read-traces';
import type { Lens } from '../../src/extension/trace/lens';
import { CHAT_FIXTURES } from '../formats/chat-fixtures';
import { EVAL_FORMAT_FIXTURES } from '../formats/fixtures/files';
import { closeAllEditors, lensApi, sharedData, waitFor, workspaceDir } from './helpers';

interface FormatCase {
  name: string;
  /** `source.kind` of every trace (a prefix). */
  kind: string;
  /** Writes or finds the file; undefined when the real data it needs is absent (skipped, or failed under CI by sharedData). */
  file: (dir: string) => Promise<string | undefined> | string | undefined;
  traces: number;
  /** How many of them carry thinking; the others must say `noReasoning`. */
  withThinking: number;
  /** The exact texts the traces must have, in order (our writers' round trip through the extension). */
  expect?: () => Pick<Trace, 'thinking' | 'response' | 'problem'>[];
}

const SKY_T1 = 'traces/skythought/Sky-T1-math-correct-5K-14B__aime24.jsonl';

/** The first real Sky-T1 traces, as the tool reads them (the originals our writers export). */
let realTraces: Trace[] | undefined;
async function skyT1Traces(): Promise<Trace[] | undefined> {
  const data = sharedData();
  if (!data) return undefined;
  if (!realTraces) {
    const read = await readTracesAnyFormat(path.join(data, SKY_T1));
    assert.equal(read.errors.length, 0, JSON.stringify(read.errors[0]));
    realTraces = read.traces.slice(0, 3).map((l) => l.trace);
  }
  return realTraces;
}

function writeText(dir: string, name: string, text: string | Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A file our writer makes from the real traces (every one written: none holds what the format refuses). */
function fromWriter(name: string, kind: string, write: (traces: Trace[]) => string): FormatCase {
  return {
    name,
    kind,
    traces: 3,
    withThinking: 3,
    file: async (dir) => {
      const traces = await skyT1Traces();
      return traces && writeText(dir, name.replace(/\W+/g, '-') + (name.includes('Inspect') ? '.json' : '.jsonl'), write(traces));
    },
    expect: () => realTraces!.map((t) => ({ problem: t.problem, thinking: t.thinking, response: t.response })),
  };
}

function written<T extends object>(x: T | { id: string; reason: string }): T {
  assert.ok(!('reason' in x), `refused: ${'reason' in x ? x.reason : ''}`);
  return x as T;
}

const CHAT_COUNTS: Record<string, number> = { 'openai chat completion, reasoning_content, n=2': 2, 'hf chat messages, inline think, multi-turn': 2 };
const EVAL_COUNTS: Record<string, [number, number]> = {
  'Inspect .eval log with reasoning': [5, 5],
  'Inspect .json log with reasoning': [5, 5],
  'lm-eval --log_samples JSONL': [5, 4],
  'lighteval details Parquet': [2, 2],
  'gpt-oss harmony text': [1, 1],
  'gpt-oss harmony text, two turns': [2, 1],
};

const CASES: FormatCase[] = [
  // Real data, read in place.
  { name: 'a real Inspect .json log', kind: 'import:inspect', traces: 1, withThinking: 0, file: () => realFile('formats/inspect/log_formats.json') },
  { name: 'a real Inspect .eval log written while streaming', kind: 'import:inspect', traces: 4, withThinking: 0, file: () => realFile('formats/inspect/log_streaming.eval') },
  { name: 'a real Qwen2.5-Math eval JSONL (Sky-T1)', kind: 'import:qwen-math-eval', traces: 30, withThinking: 30, file: () => realFile(SKY_T1) },
  { name: "a real Thought Anchors solutions.json", kind: 'import:thought-anchors', traces: 1, withThinking: 1, file: () => realFile('traces/thought-anchors-cots-math/problem_1022/solutions.json') },
  // Our writers, from real traces.
  fromWriter('HF chat JSONL (reasoning fields)', 'import:hf-chat', (ts) => jsonLines(ts.map((t) => written(toHfChatRow(t))))),
  fromWriter('HF chat JSONL (think tags in content)', 'import:hf-chat', (ts) => jsonLines(ts.map((t) => written(toHfChatRow(t, { thinkInContent: true }))))),
  fromWriter('OpenAI chat completion JSONL', 'import:openai-chat', (ts) => jsonLines(ts.map((t) => written(toOpenAIChatCompletion(t, { created: 1_764_547_200 }))))),
  fromWriter('Inspect .json log (our writer)', 'import:inspect', (ts) => JSON.stringify(toInspectLog(ts, { created: '2026-12-01T00:00:00.000Z' }).log, null, 2)),
  fromWriter('minimal trace JSONL', 'import:trace-minimal', (ts) => jsonLines(ts.map((t) => toMinimalTrace(t)))),
  // Documentation-shaped fixtures (test/formats), for the formats without real data here.
  ...CHAT_FIXTURES.map((f): FormatCase => ({
    name: `${f.name} (${f.file})`,
    kind: `import:${f.format}`,
    traces: CHAT_COUNTS[f.name] ?? 1,
    withThinking: CHAT_COUNTS[f.name] ?? 1,
    file: (dir) => writeText(dir, f.file, f.file.endsWith('.json') ? JSON.stringify(f.records, null, 2) : jsonLines(f.records)),
  })),
  ...EVAL_FORMAT_FIXTURES.map((f): FormatCase => ({
    name: `${f.name} (${f.file})`,
    kind: f.kind,
    traces: EVAL_COUNTS[f.name][0],
    withThinking: EVAL_COUNTS[f.name][1],
    file: (dir) => f.write(dir),
  })),
  { name: 'plain text with <think>', kind: 'import:text', traces: 1, withThinking: 1, file: (dir) => writeText(dir, 'answer.txt', 'What is 2 + 3?\n<think>\n2 + 3 = 5.\n\nWait, check: 5 - 3 = 2. Yes.\n</think>\nThe answer is 5.') },
  { name: 'generic JSONL', kind: 'import:jsonl', traces: 2, withThinking: 2, file: (dir) => writeText(dir, 'outputs.jsonl', jsonLines([1, 2].map((i) => ({ id: `g${i}`, problem: `What is ${i} + 1?`, output: `<think>${i} + 1 = ${i + 1}.</think>${i + 1}`, answer: String(i + 1) })))) },
];

function realFile(part: string): string | undefined {
  const data = sharedData();
  if (!data) return undefined;
  const file = path.join(data, part);
  assert.ok(existsSync(file), `${file} is part of the real data`);
  return file;
}

function sessionFor(lens: Lens, file: vscode.Uri) {
  return [...lens.sessions].find((s) => s.file?.toString() === file.toString());
}

export function registerFormatsSuite(): void {
  describe('Open as Trace on every input format', () => {
    let dir: string;
    before(() => {
      dir = path.join(workspaceDir(), 'ext-formats');
      mkdirSync(dir, { recursive: true });
    });

    for (const c of CASES) {
      it(`Open as Trace reads ${c.name}`, async function () {
        const file = await c.file(dir);
        if (!file) return this.skip();
        const { lens } = await lensApi();
        const uri = vscode.Uri.file(file);
        await vscode.commands.executeCommand('reasoningLens.openAsTrace', uri);
        const session = await waitFor(`a trace panel for ${path.basename(file)}`, () => sessionFor(lens, uri), 60_000);
        const count = session.list()?.items.length ?? 1;
        assert.equal(count, c.traces, 'traces offered');
        const traces: Trace[] = [];
        for (let i = 0; i < count; i++) {
          if (count > 1) session.select(i);
          traces.push(session.trace());
        }
        for (const t of traces) {
          assert.ok(t.source.kind.startsWith(c.kind), `${t.id}: source ${t.source.kind}`);
          if (t.thinking === '') assert.equal(t.source.extra?.noReasoning, true, `${t.id}: a trace without thinking says so`);
          else assert.ok(t.episodes.length > 0, `${t.id}: segmented`);
        }
        assert.equal(traces.filter((t) => t.thinking !== '').length, c.withThinking, 'traces with thinking');
        if (c.expect) {
          assert.deepEqual(
            traces.map((t) => ({ problem: t.problem, thinking: t.thinking, response: t.response })),
            c.expect(),
            'read back exactly as our writer wrote them',
          );
        }
        await closeAllEditors();
      });
    }
  });
}
