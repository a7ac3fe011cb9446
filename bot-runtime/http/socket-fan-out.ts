// Writes one prepared buffer to many TCP sockets, the stream's fan-out.
//
// Nearly all of a small socket write is the kernel's: about 7-9 µs of system
// time per send on the benchmark machine, against about 1 µs in Node. Ten
// thousand subscribers are therefore about 90 ms of one core per update
// whatever the JavaScript does, so the sends are spread over writer threads,
// each issuing write(2) on its share of the sockets' file descriptors.
//
// Why this is safe: the event loop waits (Atomics.wait) until every writer has
// finished the batch. While it waits no socket can close and no descriptor can
// be reused by a new connection, so a writer never writes to a descriptor that
// changed hands; and nothing else is written to these sockets meanwhile, so the
// frames stay in order. A socket with bytes already queued in Node (a hello, or
// the rest of a partial write) or a TLS socket is written through
// `socket.write` as before, and so is whatever a direct write could not send:
// the backpressure the caller watches (`writableLength`) is unchanged.
import type { Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import {
  Control,
  NOT_WRITTEN,
  SEND_FAILED,
  WRITER_DEAD,
  type WriterMemory,
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
}

/** How the last batch went out, for tests and the benchmark. */
export interface FanOutReport {
  readonly sockets: number;
  /** Sockets written by the writer threads. */
  readonly byWriters: number;
  /** Sockets whose batch (or its rest) went through `socket.write`. */
  readonly queued: number;
}

interface Writer {
  readonly worker: Worker;
  readonly memory: WriterMemory;
  ready: boolean;
  readonly started: Promise<void>;
  seq: number;
  /** The sockets handed to this writer in the current batch, by index. */
  readonly sockets: Socket[];
}

export class SocketFanOut {
  readonly #options: SocketFanOutOptions;
  readonly #writers: Writer[] = [];
  readonly #data: Uint8Array | undefined;
  #closed = false;
  #report: FanOutReport = { sockets: 0, byWriters: 0, queued: 0 };

  constructor(options: SocketFanOutOptions) {
    this.#options = options;
    if (options.writerThreads > 0) {
      this.#data = new Uint8Array(new SharedArrayBuffer(MAX_SHARED_BATCH_BYTES));
    }
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
    const ready = this.#readyWriters(direct.length, batch.length);
    // The event loop takes the first share, each writer one of the rest.
    const share = Math.ceil(direct.length / (ready.length + 1));
    const started: Writer[] = [];
    let byWriters = 0;
    if (ready.length > 0) this.#data!.set(batch);
    for (let w = 0; w < ready.length; w++) {
      const from = share * (w + 1);
      const to = Math.min(direct.length, from + share);
      if (from >= to) break;
      byWriters += this.#start(ready[w]!, direct, fds, from, to, batch.length);
      started.push(ready[w]!);
    }
    const mine = Math.min(direct.length, share);
    for (let i = 0; i < mine; i++) queued += finish(direct[i]!, batch, writeDirect(fds[i]!, batch));
    for (const writer of started) queued += this.#join(writer, batch);
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

  /** The writers to use for this batch; starts them (they are ready a few ms later) once worth it. */
  #readyWriters(direct: number, bytes: number): Writer[] {
    const perThread = this.#options.minSocketsPerThread ?? MIN_SOCKETS_PER_THREAD;
    const wanted = Math.min(this.#options.writerThreads, Math.floor(direct / perThread) - 1);
    if (wanted <= 0 || bytes > MAX_SHARED_BATCH_BYTES || this.#closed) return [];
    try {
      while (this.#writers.length < wanted) this.#writers.push(this.#spawn());
    } catch {
      // No thread to be had (resource limits): the event loop writes alone, as with writerThreads 0.
      this.#closed = true;
      return [];
    }
    return this.#writers.slice(0, wanted).filter((w) => w.ready);
  }

  #spawn(): Writer {
    const capacity = Math.ceil(this.#options.maxSockets / 2) + 1;
    const memory: WriterMemory = {
      control: new Int32Array(new SharedArrayBuffer(4 * Control.SIZE)),
      fds: new Int32Array(new SharedArrayBuffer(4 * capacity)),
      results: new Int32Array(new SharedArrayBuffer(4 * capacity)),
      data: this.#data!,
    };
    const worker = new Worker(WORKER_URL, { workerData: memory });
    const writer: Writer = {
      worker,
      memory,
      ready: false,
      seq: 0,
      sockets: [],
      started: new Promise((resolve) => {
        worker.once('message', () => {
          writer.ready = true;
          resolve();
        });
        // A writer that fails is left out from then on; its sockets go through the event loop.
        worker.once('error', () => {
          writer.ready = false;
          resolve();
        });
      }),
    };
    worker.unref();
    return writer;
  }

  /** Hands sockets [from, to) to a writer; returns how many it took. */
  #start(writer: Writer, sockets: Socket[], fds: number[], from: number, to: number, length: number): number {
    const { control, fds: table, results } = writer.memory;
    const count = Math.min(to - from, table.length);
    writer.sockets.length = 0;
    for (let i = 0; i < count; i++) {
      table[i] = fds[from + i]!;
      results[i] = NOT_WRITTEN;
      writer.sockets.push(sockets[from + i]!);
    }
    // Any socket beyond the table's size stays with the writer's share through socket.write.
    for (let i = from + count; i < to; i++) writer.sockets.push(sockets[i]!);
    control[Control.COUNT] = count;
    control[Control.LENGTH] = length;
    Atomics.store(control, Control.SEQ, ++writer.seq);
    Atomics.notify(control, Control.SEQ);
    return count;
  }

  /** Waits for a writer's batch, then queues in Node whatever it could not send; returns that count. */
  #join(writer: Writer, batch: Buffer): number {
    const { control, results } = writer.memory;
    for (;;) {
      const done = Atomics.load(control, Control.DONE);
      if (done === writer.seq) break;
      if (done === WRITER_DEAD) {
        writer.ready = false;
        break;
      }
      Atomics.wait(control, Control.DONE, done);
    }
    const count = control[Control.COUNT]!;
    let queued = 0;
    for (let i = 0; i < writer.sockets.length; i++) {
      queued += finish(writer.sockets[i]!, batch, i < count ? results[i]! : NOT_WRITTEN);
    }
    writer.sockets.length = 0;
    return queued;
  }
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
