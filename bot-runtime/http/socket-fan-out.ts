// Writes one prepared buffer to many TCP sockets, the stream's fan-out.
//
// Nearly all of a small socket write is the kernel's: 7.4-8.8 µs of system
// time per send on the benchmark machine (a bare loop of send(2) in Python
// costs 7 µs), against 1.3-2.0 µs of user time in Node's `socket.write`
// (docs/benchmarks/status-endpoint.md, "Where the time goes"). Ten thousand
// subscribers are therefore about 90 ms of one core per update whatever the
// JavaScript does, so the sends are shared between the event loop and writer
// threads, each issuing write(2) on chunks of the sockets' file descriptors.
//
// Why this is safe: the event loop waits (Atomics.wait) until every descriptor
// of the batch is written. While it waits no socket can close and no
// descriptor can be reused by a new connection, so a writer never writes to a
// descriptor that changed hands; and nothing else is written to these sockets
// meanwhile, so the frames stay in order. A socket with bytes already queued
// in Node (a hello, or the rest of a partial write) or a TLS socket is written
// through `socket.write` as before, and so is whatever a direct write could
// not send: the backpressure the caller watches (`writableLength`) is unchanged.
import type { Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import {
  Control,
  cursorWord,
  MAX_BATCH_SOCKETS,
  NOT_WRITTEN,
  SEND_FAILED,
  type WriterMemory,
  writeClaimed,
  writeDirect,
} from './socket-fan-out-writer.ts';

/** Below this many sockets per thread the hand-off costs more than the sends it moves. */
export const MIN_SOCKETS_PER_THREAD = 256;
/** Batches larger than this are written from the event loop alone (the shared buffer's size). */
export const MAX_SHARED_BATCH_BYTES = 256 * 1024;

// The sources run as they are (.ts) in development and tests, compiled (.js) in the image.
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './socket-fan-out-worker.ts' : './socket-fan-out-worker.js',
  import.meta.url,
);

export interface SocketFanOutOptions {
  /** Writer threads beside the event loop; 0 writes from the event loop alone. */
  readonly writerThreads: number;
  /** The most sockets one batch may go to (the stream's maxSubscribers); sizes the shared tables. */
  readonly maxSockets: number;
  /** MIN_SOCKETS_PER_THREAD unless told (tests). */
  readonly minSocketsPerThread?: number;
  /** Whether the event loop takes chunks too (true); tests turn it off to see the writers' work alone. */
  readonly eventLoopWrites?: boolean;
}

/** How the last batch went out, for tests. */
export interface FanOutReport {
  readonly sockets: number;
  /** Sockets written by the writer threads. */
  readonly byWriters: number;
  /** Sockets whose batch (or its rest) went through `socket.write`. */
  readonly queued: number;
}

interface Writer {
  readonly worker: Worker;
  ready: boolean;
  readonly started: Promise<void>;
}

export class SocketFanOut {
  readonly #options: SocketFanOutOptions;
  readonly #writers: Writer[] = [];
  #memory: WriterMemory | undefined;
  #seq = 0;
  #closed = false;
  #report: FanOutReport = { sockets: 0, byWriters: 0, queued: 0 };

  constructor(options: SocketFanOutOptions) {
    this.#options = options;
  }

  get lastReport(): FanOutReport {
    return this.#report;
  }

  /** Writes `batch` to every socket; when it returns every byte is in the kernel or queued in Node. */
  write(batch: Buffer, sockets: readonly Socket[]): void {
    const direct: Socket[] = [];
    const fds: number[] = [];
    let queued = 0;
    for (const socket of sockets) {
      const fd = directFd(socket);
      if (fd === undefined) {
        socket.write(batch);
        queued++;
      } else {
        direct.push(socket);
        fds.push(fd);
      }
    }
    let byWriters = 0;
    if (this.#useWriters(direct.length, batch.length)) {
      const shared = Math.min(direct.length, this.#memory!.fds.length);
      const result = this.#writeShared(batch, direct, fds, shared);
      byWriters = result.byWriters;
      queued += result.queued;
      for (let i = shared; i < direct.length; i++)
        queued += finish(direct[i]!, batch, writeDirect(fds[i]!, batch));
    } else {
      for (let i = 0; i < direct.length; i++)
        queued += finish(direct[i]!, batch, writeDirect(fds[i]!, batch));
    }
    this.#report = { sockets: sockets.length, byWriters, queued };
  }

  /** Resolves once every writer started so far can take batches; the number of them. */
  async writersReady(): Promise<number> {
    await Promise.all(this.#writers.map((w) => w.started));
    return this.#writers.filter((w) => w.ready).length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#writers.splice(0).map((w) => w.worker.terminate()));
  }

  /**
   * Says how many sockets batches will soon go to: the writers start (ready a
   * few ms later) once that is worth it, so that their start-up is not paid
   * inside a fan-out.
   */
  expect(sockets: number): void {
    this.#startWriters(sockets);
  }

  /** Whether this batch is worth sharing. */
  #useWriters(direct: number, bytes: number): boolean {
    if (bytes > MAX_SHARED_BATCH_BYTES || !this.#startWriters(direct)) return false;
    return this.#writers.some((w) => w.ready);
  }

  /** Starts the writers the first time `sockets` is worth sharing; whether it is. */
  #startWriters(sockets: number): boolean {
    const perThread = this.#options.minSocketsPerThread ?? MIN_SOCKETS_PER_THREAD;
    if (this.#options.writerThreads <= 0 || this.#closed || sockets < 2 * perThread) return false;
    if (this.#writers.length === 0) {
      try {
        this.#memory = sharedMemory(Math.min(this.#options.maxSockets, MAX_BATCH_SOCKETS));
        for (let i = 0; i < this.#options.writerThreads; i++) this.#writers.push(this.#spawn(this.#memory));
      } catch {
        // No thread to be had (resource limits): the event loop writes alone, as with writerThreads 0.
        this.#closed = true;
        return false;
      }
    }
    return true;
  }

  #spawn(memory: WriterMemory): Writer {
    const worker = new Worker(WORKER_URL, { workerData: memory });
    worker.unref();
    const writer: Writer = {
      worker,
      ready: false,
      started: new Promise((resolve) => {
        worker.once('message', () => {
          writer.ready = true;
          resolve();
        });
        // A writer that fails is left out; the others and the event loop take its chunks.
        worker.once('error', () => {
          writer.ready = false;
          resolve();
        });
      }),
    };
    return writer;
  }

  /** Sockets [0, count) through the shared tables, chunk by chunk between the threads. */
  #writeShared(batch: Buffer, sockets: Socket[], fds: number[], count: number) {
    const memory = this.#memory!;
    const { control, cursor, results } = memory;
    memory.data.set(batch);
    control[Control.LENGTH] = batch.length;
    for (let i = 0; i < count; i++) {
      memory.fds[i] = fds[i]!;
      results[i] = NOT_WRITTEN;
    }
    Atomics.store(control, Control.FINISHED, 0);
    // Publishing the cursor opens the batch; everything above is written before it.
    this.#seq++;
    Atomics.store(cursor, 0, cursorWord(this.#seq, count, 0));
    Atomics.add(control, Control.WAKE, 1);
    Atomics.notify(control, Control.WAKE);
    const mine = this.#options.eventLoopWrites === false ? 0 : writeClaimed(memory);
    for (;;) {
      const finished = Atomics.load(control, Control.FINISHED);
      if (finished >= count) break;
      Atomics.wait(control, Control.FINISHED, finished);
    }
    let queued = 0;
    for (let i = 0; i < count; i++) queued += finish(sockets[i]!, batch, results[i]!);
    return { byWriters: count - mine, queued };
  }
}

function sharedMemory(capacity: number): WriterMemory {
  return {
    control: new Int32Array(new SharedArrayBuffer(4 * Control.SIZE)),
    cursor: new BigUint64Array(new SharedArrayBuffer(8)),
    fds: new Int32Array(new SharedArrayBuffer(4 * capacity)),
    results: new Int32Array(new SharedArrayBuffer(4 * capacity)),
    data: new Uint8Array(new SharedArrayBuffer(MAX_SHARED_BATCH_BYTES)),
  };
}

/** After a direct write of `sent` bytes: queue the rest in Node; 1 when something was queued. */
function finish(socket: Socket, batch: Buffer, sent: number): number {
  if (sent === batch.length) return 0;
  // A failed send goes through Node too, which reports the error and closes the socket its usual way.
  socket.write(sent === SEND_FAILED || sent === NOT_WRITTEN ? batch : batch.subarray(sent));
  return 1;
}

/**
 * The descriptor to write to directly, or undefined when bytes must go through
 * Node: bytes already queued or corked there, TLS, or a socket being torn down.
 * `_handle.fd` is Node's own (internal but stable) view of the descriptor.
 */
function directFd(socket: Socket): number | undefined {
  if (socket.writableLength > 0 || socket.writableCorked > 0 || socket.destroyed || !socket.writable) {
    return undefined;
  }
  if ((socket as { encrypted?: boolean }).encrypted) return undefined;
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}
