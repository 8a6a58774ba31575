import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HostPool, classifyFailure, errorKind } from '../../src/runs/dataset/hosts';
import { ModelError } from '../../src/model/types';

function pool(capacities: number[], retry = { maxConsecutiveFailures: 3, backoffMs: 100, maxBackoffMs: 1000 }) {
  let now = 0;
  const p = new HostPool(capacities.map((capacity, i) => ({ url: `h${i}`, capacity, backend: i })), retry, () => now);
  return { p, advance: (ms: number) => (now += ms) };
}

test('work goes to the host with the most free slots', () => {
  const { p } = pool([1, 3]);
  const picks: string[] = [];
  for (let i = 0; i < 4; i++) {
    const a = p.acquire();
    assert.ok('host' in a);
    picks.push(a.host.url);
  }
  // h1 has 3 free vs 1, then 2 vs 1; at 1 vs 1 the rotation picks h0; then h1's last slot.
  assert.deepEqual(picks, ['h1', 'h1', 'h0', 'h1']);
  assert.equal(p.hosts[0].inFlight, 1);
  assert.equal(p.hosts[1].inFlight, 3);
  assert.deepEqual(p.acquire(), { wait: Infinity }, 'all full: wait for a running record');
});

test('a failing host backs off exponentially, then leaves; fatal errors remove it at once', () => {
  const { p, advance } = pool([1, 1]);
  const h0 = p.hosts[0];
  h0.inFlight = 1;
  assert.equal(p.fail(h0, 'host-transient', 'refused'), false);
  assert.equal(h0.coolingUntil, 100);
  p.hosts[1].inFlight = 1; // the other host is busy
  assert.deepEqual(p.acquire(), { wait: 100 });
  advance(100);
  const again = p.acquire();
  assert.ok('host' in again && again.host === h0);
  p.fail(h0, 'host-transient', 'refused');
  assert.equal(h0.coolingUntil, 300, 'second failure: 200 ms');
  advance(200);
  assert.ok('host' in p.acquire());
  assert.equal(p.fail(h0, 'host-transient', 'refused'), true, 'third consecutive failure removes it');
  assert.equal(h0.removed, true);
  const h1 = p.hosts[1];
  assert.equal(p.fail(h1, 'host-fatal', 'model missing'), true);
  const none = p.acquire();
  assert.ok('none' in none && /h0: refused[\s\S]*h1: model missing/.test(none.none));
});

test('success resets the failure streak', () => {
  const { p, advance } = pool([1]);
  const h = p.hosts[0];
  for (let i = 0; i < 2; i++) {
    assert.ok('host' in p.acquire());
    p.fail(h, 'host-transient', 'x');
    advance(10_000);
  }
  assert.ok('host' in p.acquire());
  p.succeed(h);
  assert.equal(h.consecutiveFailures, 0);
  assert.ok('host' in p.acquire());
  assert.equal(p.fail(h, 'host-transient', 'x'), false, 'streak restarted');
});

test('failure scopes: host problems versus record problems', () => {
  assert.equal(classifyFailure('unreachable'), 'host-transient');
  assert.equal(classifyFailure('stream-incomplete'), 'host-transient');
  assert.equal(classifyFailure('model-missing'), 'host-fatal');
  assert.equal(classifyFailure('bad-request'), 'record');
  assert.equal(classifyFailure('think-unsupported'), 'record');
  assert.equal(classifyFailure('unknown', 'Ollama rejected the chat request (HTTP 500: llama runner crashed).'), 'host-transient');
  assert.equal(classifyFailure('unknown', 'something odd'), 'record');
  assert.equal(errorKind(new ModelError('timeout', 't')), 'timeout');
  assert.equal(errorKind(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })), 'unreachable');
  assert.equal(errorKind(new Error('?')), 'unknown');
});

test('property: in-flight never exceeds capacity, and free slots are always used before waiting', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.oneof(fc.constant('acquire' as const), fc.constant('ok' as const), fc.constant('fail' as const), fc.constant('tick' as const)), { maxLength: 60 }),
      (caps, ops) => {
        const { p, advance } = pool(caps);
        const running: (typeof p.hosts)[number][] = [];
        for (const op of ops) {
          if (op === 'acquire') {
            const free = p.freeSlots();
            const a = p.acquire();
            if ('host' in a) running.push(a.host);
            else assert.equal(free, 0, 'waited although a slot was free');
          } else if (op === 'tick') advance(250);
          else if (running.length) {
            const h = running.shift()!;
            if (op === 'ok') p.succeed(h);
            else p.fail(h, 'host-transient', 'x');
          }
          for (const h of p.hosts) assert.ok(h.inFlight >= 0 && h.inFlight <= h.capacity);
        }
      },
    ),
  );
});
