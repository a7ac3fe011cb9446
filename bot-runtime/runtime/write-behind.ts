// The executor's ledger writes, behind its steps. A step books its fills in
// the kernel and hands its records here; the next candle need not wait for
// the disk or the database. Writes go to the ledger in the order they were
// handed over, those waiting at that moment merged into one batch (one
// journal sync, a few MongoDB round trips), and each write's promise settles
// once its records are durable. A failed batch is retried as it is (every
// record is idempotent by its key) until it lands, so an outage delays
// records but loses none; while a batch is failing, or too many writes wait,
// `room()` holds the next step so the kernel never runs far ahead of its
// ledger.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AppliedFill, FillApplier, StepRecords } from '../recovery/fill-applier.ts';
import type { EquityPointRecord, FillRecord, OrderEventRecord, OrderRecord } from '../store/records.ts';

export interface WriteBehindOptions {
  /** Writes that may wait for the ledger before the next step is held (default 256). */
  readonly maxPending?: number;
  /** Pause before the first retry of a failed batch; it doubles up to 5 s (default 250 ms). */
  readonly retryDelayMs?: number;
  readonly onError?: (error: unknown) => void;
}

interface Waiting {
  /** The records, or how to make them (once, when the writer takes them). */
  readonly records: StepRecords | (() => StepRecords);
  resolve(applied: AppliedFill[]): void;
  reject(error: unknown): void;
}

const MAX_RETRY_DELAY_MS = 5000;

export class WriteBehind {
  readonly #applier: FillApplier;
  readonly #maxPending: number;
  readonly #retryDelayMs: number;
  readonly #onError: (error: unknown) => void;
  #queue: Waiting[] = [];
  /** Writes handed over and not yet durable (queued or in the batch being written). */
  #pending = 0;
  #running: Promise<void> | undefined;
  #failing = false;
  #finishing = false;
  #roomWaiters: (() => void)[] = [];

  constructor(applier: FillApplier, options: WriteBehindOptions = {}) {
    this.#applier = applier;
    this.#maxPending = options.maxPending ?? 256;
    this.#retryDelayMs = options.retryDelayMs ?? 250;
    this.#onError = options.onError ?? (() => undefined);
  }

  /**
   * Queues records (a step's, or part of one), or a function that makes them
   * when the writer takes them; resolves with their fills' results once all
   * of them are durable.
   */
  write(records: StepRecords | (() => StepRecords)): Promise<AppliedFill[]> {
    if (this.#finishing) return Promise.reject(new Error('the ledger writer is finishing: no more writes'));
    return new Promise<AppliedFill[]>((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      this.#pending++;
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = (async () => {
      // Started after the step that queued it, not inside it: the step's own work comes first. A turn
      // of the event loop later, not a microtask: the records of a candle's early match wait for the
      // candle's step when its signals are already in (one process), so its decision is not held up
      // by their writing, and the step's records join the same batch.
      await nextTurn();
      try {
        await this.#run();
      } finally {
        this.#running = undefined;
        if (this.#queue.length > 0) this.#kick();
      }
    })();
  }

  /** Undefined when the next step may go ahead; else a promise that resolves when it may. */
  /** Whether `room()` would hold the next step now. */
  get holding(): boolean {
    return this.#held();
  }

  room(): Promise<void> | undefined {
    if (!this.#held()) return undefined;
    return new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
  }

  #held(): boolean {
    return this.#failing || this.#pending >= this.#maxPending;
  }

  /** Writes not yet durable. */
  get pending(): number {
    return this.#pending;
  }

  /** True from a failed batch until a batch lands. */
  get failing(): boolean {
    return this.#failing;
  }

  /** Resolves once every write handed over so far is durable (or, after `finish`, given up). */
  async drained(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /**
   * No more writes; what is queued is still written, but a failing batch is
   * no longer retried: its writes (and those behind it) are rejected.
   */
  finish(): Promise<void> {
    this.#finishing = true;
    return this.drained();
  }

  async #run(): Promise<void> {
    let delay = this.#retryDelayMs;
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      let made: StepRecords[];
      try {
        made = batch.map((w) => (typeof w.records === 'function' ? w.records() : w.records));
      } catch (error) {
        // A bug, not an outage: retrying would fail the same way.
        this.#onError(error);
        for (const w of batch) w.reject(error);
        this.#pending -= batch.length;
        this.#wakeRoom();
        continue;
      }
      const records = made.length === 1 ? made[0]! : merged(made);
      for (;;) {
        try {
          const applied = await this.#applier.applyBatch(records);
          this.#failing = false;
          delay = this.#retryDelayMs;
          let at = 0;
          batch.forEach((w, i) => {
            const n = made[i]!.fills?.length ?? 0;
            w.resolve(applied.slice(at, at + n));
            at += n;
          });
          break;
        } catch (error) {
          this.#failing = true;
          this.#onError(error);
          if (this.#finishing) {
            for (const w of [...batch, ...this.#queue]) w.reject(error);
            this.#pending = 0;
            this.#queue = [];
            this.#wakeRoom();
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, delay));
          delay = Math.min(MAX_RETRY_DELAY_MS, delay * 2);
        }
      }
      this.#pending -= batch.length;
      this.#wakeRoom();
    }
  }

  #wakeRoom(): void {
    if (this.#held()) return;
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const wake of waiters) wake();
  }
}

/** The writes' records as one batch, in the order they were handed over. */
function merged(writes: readonly StepRecords[]): StepRecords {
  const orders: OrderRecord[] = [];
  const events: OrderEventRecord[] = [];
  const fills: FillRecord[] = [];
  const equity: EquityPointRecord[] = [];
  for (const r of writes) {
    if (r.orders) orders.push(...r.orders);
    if (r.events) events.push(...r.events);
    if (r.fills) fills.push(...r.fills);
    if (r.equity) equity.push(...r.equity);
  }
  return { orders, events, fills, equity };
}
