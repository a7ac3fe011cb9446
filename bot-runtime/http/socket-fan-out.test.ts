// The fan-out on real loopback sockets: every socket gets every batch, whole
// and in order, whether the event loop or a writer thread sent it.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { SocketFanOut } from './socket-fan-out.ts';

interface Pair {
  /** The server's side: what the fan-out writes to. */
  readonly server: Socket;
  /** The client's side and everything it received. */
  readonly client: Socket;
  readonly received: Buffer[];
}

let listener: Server | undefined;
let fanOut: SocketFanOut | undefined;
const pairs: Pair[] = [];
afterEach(async () => {
  for (const p of pairs.splice(0)) {
    p.client.destroy();
    p.server.destroy();
  }
  listener?.close();
  listener = undefined;
  await fanOut?.close();
  fanOut = undefined;
});

async function socketPairs(n: number): Promise<Pair[]> {
  const accepted: Socket[] = [];
  const server = createServer((s) => accepted.push(s));
  listener = server;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const clients: Pair['client'][] = [];
  const received: Buffer[][] = [];
  for (let i = 0; i < n; i++) {
    const client = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    client.on('data', (c: Buffer) => chunks.push(c));
    clients.push(client);
    received.push(chunks);
    await once(client, 'connect');
  }
  while (accepted.length < n) await new Promise((r) => setImmediate(r));
  // Accepted in connection order on loopback; pair them by the client's local port to be sure.
  const byPort = new Map(accepted.map((s) => [s.remotePort, s]));
  const made = clients.map((client, i) => ({
    server: byPort.get(client.localPort)!,
    client,
    received: received[i]!,
  }));
  pairs.push(...made);
  return made;
}

/** A batch whose bytes say which batch it is, so a reordering or a gap shows. */
const batchOf = (i: number, size = 40) => Buffer.alloc(size, `<${i}>`);

async function receivedAll(pair: Pair, bytes: number): Promise<Buffer> {
  while (pair.received.reduce((n, c) => n + c.length, 0) < bytes) await new Promise((r) => setTimeout(r, 5));
  return Buffer.concat(pair.received);
}

/** Every pair's client received exactly `expected`, bytes and order. */
async function expectEveryReceived(all: readonly Pair[], expected: Buffer): Promise<void> {
  for (const p of all) expect((await receivedAll(p, expected.length)).equals(expected)).toBe(true);
}

/**
 * A client in a worker thread: it connects to `port`, reads nothing until
 * told, then counts what it reads in `progress[0]` (so a blocked event loop
 * can watch it) and posts everything back once `expected` bytes are in.
 */
function threadReader(port: number, expected: number, progress: Int32Array): Worker {
  const source = `
    const { connect } = require('node:net');
    const { parentPort, workerData } = require('node:worker_threads');
    const { port, expected, progress } = workerData;
    const chunks = [];
    const socket = connect(port, '127.0.0.1', () => parentPort.postMessage('connected'));
    socket.pause();
    socket.on('data', (c) => {
      chunks.push(c);
      Atomics.add(progress, 0, c.length);
      Atomics.notify(progress, 0);
      if (Atomics.load(progress, 0) >= expected) {
        socket.destroy();
        parentPort.postMessage(Buffer.concat(chunks));
      }
    });
    parentPort.on('message', () => socket.resume());
  `;
  return new Worker(source, { eval: true, workerData: { port, expected, progress } });
}

describe('SocketFanOut', () => {
  it('hands the sends to writer threads, and every socket gets every batch whole and in order', async () => {
    const all = await socketPairs(40);
    // The event loop stays out, so that what arrives is the writers' work alone.
    const options = { writerThreads: 2, maxSockets: 40, minSocketsPerThread: 10, eventLoopWrites: false };
    fanOut = new SocketFanOut(options);
    const sockets = all.map((p) => p.server);
    fanOut.write(batchOf(0), sockets);
    expect(await fanOut.writersReady()).toBe(2);
    for (let i = 1; i < 5; i++) fanOut.write(batchOf(i), sockets);
    expect(fanOut.lastReport).toEqual({ sockets: 40, byWriters: 40, queued: 0 });
    const expected = Buffer.concat([0, 1, 2, 3, 4].map((i) => batchOf(i)));
    await expectEveryReceived(all, expected);
  });

  it('keeps every batch whole and in order while the event loop and a writer share the chunks', async () => {
    const all = await socketPairs(200);
    fanOut = new SocketFanOut({ writerThreads: 1, maxSockets: 200, minSocketsPerThread: 10 });
    const sockets = all.map((p) => p.server);
    fanOut.write(batchOf(0), sockets);
    await fanOut.writersReady();
    const batches = [batchOf(0)];
    for (let i = 1; i < 50; i++) {
      batches.push(batchOf(i));
      fanOut.write(batches[i]!, sockets);
      expect(fanOut.lastReport.queued).toBe(0);
    }
    const expected = Buffer.concat(batches);
    await expectEveryReceived(all, expected);
  });

  it('starts its writers when told how many sockets to expect, not inside a fan-out', async () => {
    const all = await socketPairs(40);
    fanOut = new SocketFanOut({
      writerThreads: 1,
      maxSockets: 40,
      minSocketsPerThread: 10,
      eventLoopWrites: false,
    });
    fanOut.expect(19);
    expect(await fanOut.writersReady()).toBe(0);
    fanOut.expect(20);
    expect(await fanOut.writersReady()).toBe(1);
    fanOut.write(
      batchOf(1),
      all.map((p) => p.server),
    );
    expect(fanOut.lastReport.byWriters).toBe(40);
    await expectEveryReceived(all, batchOf(1));
  });

  it('writes from the event loop alone below the threshold or with no writer threads', async () => {
    const all = await socketPairs(8);
    fanOut = new SocketFanOut({ writerThreads: 0, maxSockets: 8, minSocketsPerThread: 1 });
    fanOut.write(
      batchOf(1),
      all.map((p) => p.server),
    );
    expect(await fanOut.writersReady()).toBe(0);
    expect(fanOut.lastReport.byWriters).toBe(0);
    await expectEveryReceived(all, batchOf(1));
  });

  it('puts a batch behind the bytes a socket already has queued in Node', async () => {
    const all = await socketPairs(4);
    fanOut = new SocketFanOut({ writerThreads: 1, maxSockets: 4, minSocketsPerThread: 1 });
    const sockets = all.map((p) => p.server);
    fanOut.write(batchOf(0), sockets);
    await fanOut.writersReady();
    const held = all[3]!.server;
    held.cork();
    held.write('hello');
    fanOut.write(batchOf(1), sockets);
    expect(fanOut.lastReport.queued).toBe(1);
    process.nextTick(() => held.uncork());
    const expected = Buffer.concat([batchOf(0), Buffer.from('hello'), batchOf(1)]);
    expect((await receivedAll(all[3]!, expected.length)).equals(expected)).toBe(true);
  });

  it('puts a batch behind bytes Node still holds even when the kernel has room again', async () => {
    const accepted = new Promise<Socket>((resolve) => {
      listener = createServer(resolve);
    });
    listener!.listen(0, '127.0.0.1');
    await once(listener!, 'listening');
    const port = (listener!.address() as { port: number }).port;
    const big = Buffer.alloc(32 * 1024 * 1024, 'a');
    const marker = batchOf(1);
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const reader = threadReader(port, big.length + marker.length, progress);
    let server: Socket | undefined;
    try {
      await once(reader, 'message');
      server = await accepted;
      fanOut = new SocketFanOut({ writerThreads: 0, maxSockets: 1 });
      // More than the kernel takes while the reader sleeps: Node keeps the rest for the next writable event.
      server.write(big);
      expect(server.writableLength).toBeGreaterThan(0);
      reader.postMessage('read');
      // The event loop stays blocked, so Node cannot hand its rest over while the reader frees the kernel's
      // buffers (about 4 MB on loopback here; FREED is well inside what any kernel holds).
      const FREED = 512 * 1024;
      const deadline = Date.now() + 10_000;
      while (Atomics.load(progress, 0) < FREED && Date.now() < deadline)
        Atomics.wait(progress, 0, Atomics.load(progress, 0), 100);
      expect(Atomics.load(progress, 0)).toBeGreaterThanOrEqual(FREED);
      fanOut.write(marker, [server]);
      expect(fanOut.lastReport.queued).toBe(1);
      const [received] = (await once(reader, 'message')) as [Uint8Array];
      expect(Buffer.from(received).equals(Buffer.concat([big, marker]))).toBe(true);
    } finally {
      server?.destroy();
      await reader.terminate();
    }
  });

  it('queues the rest of a send the kernel could not take, so a slow reader still gets every byte in order', async () => {
    const all = await socketPairs(4);
    fanOut = new SocketFanOut({
      writerThreads: 1,
      maxSockets: 4,
      minSocketsPerThread: 1,
      eventLoopWrites: false,
    });
    const sockets = all.map((p) => p.server);
    fanOut.write(batchOf(0), sockets);
    await fanOut.writersReady();
    // The writer sends to every socket; one reader stops until its kernel buffers are full.
    const slow = all[3]!;
    slow.client.pause();
    const batches: Buffer[] = [batchOf(0)];
    let i = 1;
    while (slow.server.writableLength === 0) {
      const batch = batchOf(i++, 64 * 1024);
      batches.push(batch);
      fanOut.write(batch, sockets);
      expect(i).toBeLessThan(2000);
    }
    expect(fanOut.lastReport.byWriters).toBeGreaterThan(0);
    // Once bytes wait in Node, later batches queue behind them.
    for (let k = 0; k < 3; k++) {
      const batch = batchOf(i++, 64 * 1024);
      batches.push(batch);
      fanOut.write(batch, sockets);
    }
    slow.client.resume();
    const expected = Buffer.concat(batches);
    await expectEveryReceived(all, expected);
  });
});
