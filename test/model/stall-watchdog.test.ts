/**
 * The stream watchdog under a starved event loop: data that reached the socket while the process
 * was busy must win over an idle timer that expired meanwhile (Node runs expired timers before it
 * polls sockets). A plain setTimeout watchdog loses this race; the test shows both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket, type AddressInfo } from 'node:net';
import { StallWatchdog } from '../../src/model/stall-watchdog';

async function socketPair(): Promise<{ server: Socket; client: Socket; close: () => void }> {
  const listener = createServer();
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Socket>((r) => listener.once('connection', r));
  const client = connect((listener.address() as AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', () => r()));
  const server = await accepted;
  return { server, client, close: () => { client.destroy(); server.destroy(); listener.close(); } };
}

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* the process is starved: no event loop turn */ }
}

/** Arms an idle timer of `idleMs`, sends one chunk, starves the loop past the timer; resolves with who came first. */
async function race(arm: (onStall: () => void, onData: () => void) => { onData: () => void }, idleMs: number): Promise<'data' | 'stall'> {
  const { server, client, close } = await socketPair();
  try {
    return await new Promise<'data' | 'stall'>((resolve) => {
      let first: 'data' | 'stall' | null = null;
      const settle = (who: 'data' | 'stall') => {
        if (first === null) first = who;
        setTimeout(() => resolve(first!), idleMs * 3);
      };
      const w = arm(() => settle('stall'), () => settle('data'));
      client.on('data', () => w.onData());
      server.write('chunk'); // an empty write queue makes libuv write at once: the bytes are in the kernel now
      busyWait(idleMs * 4);
    });
  } finally {
    close();
  }
}

test('a chunk that arrived while the loop was starved re-arms the watchdog before it can fire', async () => {
  const outcome = await race((onStall, onData) => {
    const dog = new StallWatchdog(() => onStall());
    dog.arm('idle', 50);
    return { onData: () => { dog.arm('idle', 10_000); onData(); dog.disarm(); } };
  }, 50);
  assert.equal(outcome, 'data');
});

test('control: a plain setTimeout watchdog calls the same healthy stream stalled', async () => {
  const outcome = await race((onStall, onData) => {
    let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(onStall, 50);
    return { onData: () => { clearTimeout(timer); timer = undefined; onData(); } };
  }, 50);
  assert.equal(outcome, 'stall');
});

test('a real stall still fires, once, with its kind and time', { timeout: 10_000 }, async () => {
  const fired: [string, number][] = [];
  let stalled!: () => void;
  const firstStall = new Promise<void>((r) => (stalled = r));
  const dog = new StallWatchdog((kind, ms) => {
    fired.push([kind, ms]);
    stalled();
  });
  dog.arm('connect', 20);
  // Wait for the stall itself: a fixed 120 ms sleep lost to a starved CI process (fired: []).
  await firstStall;
  // Then let timers and immediates run again: it must not fire a second time.
  await new Promise((r) => setTimeout(r, 40));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(fired, [['connect', 20]]);
});
