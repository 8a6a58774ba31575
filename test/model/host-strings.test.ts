// Issue 9 case 9: a host string that is not a server address is refused, naming the value and
// showing a valid one, in the backend factory (every front end) and in `solve`/`annotate`.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createBackend } from '../../src/model/backend-factory';
import { normalizeOllamaHost } from '../../src/model/host';
import { runCli } from '../cli/helpers';

const BAD_HOSTS = ['htp:/x', 'http://[::1', 'openai+htp://x', '', 'http://', 'https://', 'http://:8080/x y'];
const EXAMPLE = /e\.g\. http:\/\/127\.0\.0\.1:11434/;

describe('case 9: bad host strings', () => {
  for (const host of BAD_HOSTS) {
    test(`createBackend(${JSON.stringify(host)}) is refused with the host named and an example`, () => {
      assert.throws(
        () => createBackend(host),
        (err: unknown) => {
          const message = (err as Error).message;
          assert.ok(message.includes(`"${host}"`), `names the host: ${message}`);
          assert.match(message, host.startsWith('openai+') ? /e\.g\. openai\+http:\/\/127\.0\.0\.1:8000/ : EXAMPLE);
          assert.doesNotMatch(message, /Invalid URL|is not a number between/);
          return true;
        },
      );
    });
  }

  test('good forms still work', () => {
    assert.equal(createBackend('http://box:1').host, 'http://box:1');
    assert.equal(createBackend('openai+http://box:8000/v1').host, 'http://box:8000');
    assert.equal(createBackend(undefined, undefined, {}).host, 'http://127.0.0.1:11434');
    assert.equal(normalizeOllamaHost('box'), 'http://box:11434');
  });

  test('OLLAMA_HOST="" still means the default (unset), an explicit --host "" does not', () => {
    assert.equal(createBackend(undefined, undefined, { OLLAMA_HOST: '' }).host, 'http://127.0.0.1:11434');
    assert.throws(() => createBackend('', undefined, {}), /host ""/);
  });

  test('solve --host "" and annotate --host htp:/x exit 2 before any work, naming the host', { timeout: 30_000 }, async () => {
    const solve = await runCli(['solve', 'What is 1+1?', '--model', 'm', '--host', '']);
    assert.equal(solve.code, 2, solve.stderr);
    assert.match(solve.stderr, /host ""/);
    assert.match(solve.stderr, EXAMPLE);
    const dir = mkdtempSync(join(tmpdir(), 'rl-9b-host-'));
    writeFileSync(join(dir, 'in.jsonl'), '{"problem":"What is 1+1?","answer":"2"}\n');
    const annotate = await runCli(['annotate', join(dir, 'in.jsonl'), '-o', join(dir, 'out.jsonl'), '--model', 'm', '--host', 'htp:/x']);
    assert.equal(annotate.code, 2, annotate.stderr);
    assert.match(annotate.stderr, /"htp:\/x"/);
    assert.match(annotate.stderr, EXAMPLE);
    assert.doesNotMatch(annotate.stderr, /internal error|\n\s+at /, 'a usage error, not a crash');
    assert.doesNotMatch(annotate.stderr, /record\(s\)/, 'refused before the input is read');
  });
});
