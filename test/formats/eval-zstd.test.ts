/**
 * Inspect `.eval` logs with zstd members (zip method 93), Inspect's default since April 2026
 * (inspect_ai #3634): read on Node 20, which has no zstd decoder of its own, through fzstd.
 * The zip is written here byte by byte (APPNOTE 4.3.7 local header, 4.3.12 central directory,
 * 4.3.16 end record) around zstd frames made by the zstd CLI (fixtures/zstd-members.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { decompress } from 'fzstd';
import { readRecords, type RecordResult } from '../../src/io/read-records';
import { INSPECT_HEADER, SAMPLE_REASONING_BLOCK, sampleMemberName } from './fixtures/inspect-samples';
import { ZSTD_HEADER_BASE64, ZSTD_SAMPLE_BASE64 } from './fixtures/zstd-members';

interface Member { name: string; method: number; data: Uint8Array; size: number; crc: number }

function zip(members: readonly Member[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = new TextEncoder().encode(m.name);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 63, true);
    local.setUint16(8, m.method, true);
    local.setUint32(14, m.crc, true);
    local.setUint32(18, m.data.length, true);
    local.setUint32(22, m.size, true);
    local.setUint16(26, name.length, true);
    const dir = new DataView(new ArrayBuffer(46));
    dir.setUint32(0, 0x02014b50, true);
    dir.setUint16(4, 63, true);
    dir.setUint16(6, 63, true);
    dir.setUint16(10, m.method, true);
    dir.setUint32(16, m.crc, true);
    dir.setUint32(20, m.data.length, true);
    dir.setUint32(24, m.size, true);
    dir.setUint16(28, name.length, true);
    dir.setUint32(42, offset, true);
    parts.push(new Uint8Array(local.buffer), name, m.data);
    central.push(new Uint8Array(dir.buffer), name);
    offset += 30 + name.length + m.data.length;
  }
  const centralSize = central.reduce((n, p) => n + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, members.length, true);
  end.setUint16(10, members.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) out.set(p, (at += p.length) - p.length);
  return out;
}

function zstdMember(name: string, base64: string, plain: string): Member {
  const data = new Uint8Array(Buffer.from(base64, 'base64'));
  const bytes = new TextEncoder().encode(plain);
  return { name, method: 93, data, size: bytes.length, crc: crc32(bytes) };
}

test('the zstd frames still hold exactly the fixtures (else regenerate them)', () => {
  assert.equal(new TextDecoder().decode(decompress(new Uint8Array(Buffer.from(ZSTD_SAMPLE_BASE64, 'base64')))), JSON.stringify(SAMPLE_REASONING_BLOCK));
  assert.equal(new TextDecoder().decode(decompress(new Uint8Array(Buffer.from(ZSTD_HEADER_BASE64, 'base64')))), JSON.stringify(INSPECT_HEADER));
});

test('a .eval whose header and sample are zstd members reads on Node 20: the reasoning, the target as gold, the task', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'rl-zstd-')), 'zstd.eval');
  writeFileSync(path, zip([
    zstdMember('header.json', ZSTD_HEADER_BASE64, JSON.stringify(INSPECT_HEADER)),
    zstdMember(sampleMemberName(SAMPLE_REASONING_BLOCK), ZSTD_SAMPLE_BASE64, JSON.stringify(SAMPLE_REASONING_BLOCK)),
  ]));
  const results: RecordResult[] = [];
  for await (const r of readRecords(path)) results.push(r);
  assert.deepEqual(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.errors.map((e) => e.message).join('; '))), []);
  const ok = results.filter((r): r is Extract<RecordResult, { ok: true }> => r.ok);
  assert.equal(ok.length, 1);
  const input = ok[0].record.input;
  assert.equal(input.id, 'gsm8k-1');
  assert.equal(input.gold, '72');
  assert.ok((input.thinking ?? '').length > 20, 'the reasoning block is the thinking');
  assert.equal(input.source.extra?.task, 'gsm8k_reasoning');
});
