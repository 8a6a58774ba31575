/** Each chat format (fixtures in test/formats/chat-fixtures.ts) through the bundled CLI, offline. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateTrace } from '../../src/core/schema';
import type { Trace } from '../../src/core/trace';
import { CHAT_FIXTURES, type ChatFixture } from '../formats/chat-fixtures';
import { cliBundle, runCli } from './helpers';

const tmp = mkdtempSync(join(tmpdir(), 'rl-chat-formats-'));

before(async () => {
  await cliBundle();
});

function writeFixture(f: ChatFixture, dir = tmp): string {
  const path = join(dir, f.file);
  const text = f.file.endsWith('.json') ? JSON.stringify(f.records, null, 2) : f.records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  writeFileSync(path, text);
  return path;
}

function traces(text: string): Trace[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const r = validateTrace(JSON.parse(l));
      assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
      return r.trace;
    });
}

for (const command of ['segment', 'annotate'] as const) {
  test(`${command} reads every chat format, with its source kind and the thinking kept`, async () => {
    for (const f of CHAT_FIXTURES) {
      const input = writeFixture(f);
      const out = join(tmp, `${command}-${f.file}.trace.jsonl`);
      const r = await runCli([command, input, '-o', out]);
      assert.equal(r.code, 0, `${f.name}: ${r.stderr}`);
      const got = traces(readFileSync(out, 'utf8'));
      assert.ok(got.length > 0, f.name);
      for (const t of got) {
        assert.equal(t.source.kind, `import:${f.format}`, f.name);
        assert.notEqual(t.thinking, '', `${f.name}: thinking kept`);
        assert.ok(t.episodes.length > 0, `${f.name}: segmented`);
      }
    }
  });
}

test('a minimal version-1 trace annotates with derived fields recomputed', async () => {
  const input = join(tmp, 'minimal.jsonl');
  writeFileSync(input, JSON.stringify({ version: 1, id: 'mini', problem: 'What is 2+2?', gold: '4', thinking: '2+2 = 4.\n\nCheck: 4.', response: '\\boxed{4}' }) + '\n');
  const out = join(tmp, 'minimal.out.jsonl');
  const r = await runCli(['annotate', input, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  const [t] = traces(readFileSync(out, 'utf8'));
  assert.equal(t.id, 'mini');
  assert.ok(t.episodes.length > 0);
  assert.equal(t.final.correct, true);
});

test('bad chat records are reported as file:line: field: message and the rest is written', async () => {
  const input = join(tmp, 'bad-chat.jsonl');
  const good = { id: 'g', choices: [{ message: { role: 'assistant', content: '1', reasoning: 'one' } }] };
  writeFileSync(input, [JSON.stringify(good), JSON.stringify({ id: 'b', choices: [{ message: { content: '1', reasoning: 7 } }] }), JSON.stringify({ ...good, id: 'g2' })].join('\n') + '\n');
  const out = join(tmp, 'bad-chat.out.jsonl');
  const r = await runCli(['annotate', input, '-o', out]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /bad-chat\.jsonl:2: choices\[0\]\.message\.reasoning: must be a string, got number/);
  assert.deepEqual(traces(readFileSync(out, 'utf8')).map((t) => t.id), ['g', 'g2']);
});

test('a bad chat in an Open WebUI export array is reported with its line and index; the others are read', async () => {
  const webui = CHAT_FIXTURES.find((f) => f.format === 'open-webui')!;
  const input = join(tmp, 'export-bad.json');
  writeFileSync(input, JSON.stringify([webui.records[0], { id: 'bad', chat: { messages: [{ role: 'user', content: 'q' }] } }], null, 2));
  const out = join(tmp, 'export-bad.out.jsonl');
  const r = await runCli(['segment', input, '-o', out]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /export-bad\.json:\d+\[1\]: chat\.messages: has no assistant message/);
  assert.deepEqual(traces(readFileSync(out, 'utf8')).map((t) => t.id), ['c0ffee']);
});
