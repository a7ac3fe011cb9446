// A keyed work queue with client-go's workqueue semantics, driving its own
// workers:
// - a key added while it waits in the queue is not queued twice;
// - a key added while a worker processes it is marked dirty and queued again
//   when that worker is done, so one key is never processed by two workers at
//   once and no change is lost;
// - `addAfter` delays a key (the earliest pending delay wins);
// - `addRateLimited` delays a key by the larger of its own exponential backoff
//   and a global token bucket; `forget` resets the key's backoff.
// The retry token bucket only throttles retries, as in client-go, so a burst
// of fresh adds (a resync, or 1,000 new bots) is not slowed down by it. To cap
// the rate of all reconciles as well (to spare a small API server), set
// `dispatchRateLimit`: workers then wait for a token before each key.
import { type Clock, realClock, type TimerHandle } from './clock.ts';
import {
  type BackoffOptions,
  ExponentialBackoff,
  TokenBucket,
  type TokenBucketOptions,
} from './rate-limit.ts';

export type KeyHandler = (key: string) => Promise<void>;

export interface WorkQueueOptions {
  /** Processes one key; the queue guarantees it is never called twice at once for the same key. */
  readonly handler: KeyHandler;
  /** How many keys may be processed at the same time (default 1). */
  readonly concurrency?: number;
  /** Per-key retry backoff (default 5 ms doubling up to 1000 s, as client-go). */
  readonly backoff?: BackoffOptions;
  /** Global limit on retries (default 10 per second, burst 100, as client-go); `false` turns it off. */
  readonly rateLimit?: TokenBucketOptions | false;
  /** Optional limit on how fast keys are handed to workers at all (off by default). */
  readonly dispatchRateLimit?: TokenBucketOptions;
  readonly clock?: Clock;
  /** Called when the handler rejects; the queue itself never retries. */
  readonly onHandlerError?: (key: string, error: unknown) => void;
  /** Called as a key goes to a worker, with how long it waited ready in the queue. */
  readonly onDispatch?: (key: string, waitedMs: number) => void;
}

export const defaultBackoff: BackoffOptions = { baseDelayMs: 5, maxDelayMs: 1_000_000 };
export const defaultRateLimit: TokenBucketOptions = { qps: 10, burst: 100 };

type QueueState = 'paused' | 'running' | 'shut-down';

export class WorkQueue {
  readonly #handler: KeyHandler;
  readonly #concurrency: number;
  readonly #clock: Clock;
  readonly #backoff: ExponentialBackoff;
  readonly #bucket: TokenBucket | undefined;
  readonly #dispatchBucket: TokenBucket | undefined;
  #dispatchTimer: TimerHandle | undefined;
  readonly #onHandlerError: (key: string, error: unknown) => void;
  readonly #onDispatch: ((key: string, waitedMs: number) => void) | undefined;

  /** Keys ready to be processed, in the order they became ready, with when they did. */
  readonly #ready = new Map<string, number>();
  /** Keys that need processing: ready ones, and processing ones that changed meanwhile. */
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #waiting = new Map<string, { dueAt: number; timer: TimerHandle }>();
  #state: QueueState = 'paused';
  #idleWaiters: Array<() => void> = [];

  constructor(options: WorkQueueOptions) {
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError('concurrency must be an integer >= 1');
    this.#handler = options.handler;
    this.#concurrency = concurrency;
    this.#clock = options.clock ?? realClock;
    this.#backoff = new ExponentialBackoff(options.backoff ?? defaultBackoff);
    const rateLimit = options.rateLimit ?? defaultRateLimit;
    this.#bucket = rateLimit === false ? undefined : new TokenBucket(rateLimit, this.#clock);
    this.#dispatchBucket =
      options.dispatchRateLimit === undefined
        ? undefined
        : new TokenBucket(options.dispatchRateLimit, this.#clock);
    this.#onHandlerError = options.onHandlerError ?? (() => {});
    this.#onDispatch = options.onDispatch;
  }

  /** Starts (or resumes) handing keys to workers. Keys added before are kept and processed now. */
  run(): void {
    if (this.#state === 'shut-down') throw new Error('work queue is shut down');
    this.#state = 'running';
    this.#dispatch();
  }

  /**
   * Stops handing out keys and resolves once in-flight keys are done. Queued
   * and delayed keys are kept, and still accepted, for a later `run`.
   */
  pause(): Promise<void> {
    if (this.#state === 'running') this.#state = 'paused';
    return this.whenIdle();
  }

  /**
   * Refuses further keys, drops queued and delayed ones (reconciles are
   * level-based: whoever runs next re-lists and sees them), and resolves once
   * the in-flight keys are done.
   */
  shutDown(): Promise<void> {
    this.#state = 'shut-down';
    this.#dispatchTimer?.cancel();
    this.#dispatchTimer = undefined;
    for (const { timer } of this.#waiting.values()) timer.cancel();
    this.#waiting.clear();
    this.#ready.clear();
    this.#dirty.clear();
    return this.whenIdle();
  }

  get isShutDown(): boolean {
    return this.#state === 'shut-down';
  }

  add(key: string): void {
    if (this.#state === 'shut-down' || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return; // queued again by #done
    this.#ready.set(key, this.#clock.now());
    this.#dispatch();
  }

  /** Adds the key after `delayMs`; if the key is already waiting, the earlier due time wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#state === 'shut-down') return;
    if (!(delayMs > 0)) {
      this.add(key);
      return;
    }
    const dueAt = this.#clock.now() + delayMs;
    const pending = this.#waiting.get(key);
    if (pending !== undefined) {
      if (pending.dueAt <= dueAt) return;
      pending.timer.cancel();
    }
    const timer = this.#clock.setTimer(delayMs, () => {
      this.#waiting.delete(key);
      this.add(key);
    });
    this.#waiting.set(key, { dueAt, timer });
  }

  /** Re-adds a key after its backoff (or the global limit, whichever is longer); returns the delay used. */
  addRateLimited(key: string): number {
    if (this.#state === 'shut-down') return 0;
    const perKey = this.#backoff.next(key);
    const global = this.#bucket?.reserve() ?? 0;
    const delay = Math.max(perKey, global);
    this.addAfter(key, delay);
    return delay;
  }

  /** Ends the key's backoff, typically after it was processed successfully. */
  forget(key: string): void {
    this.#backoff.forget(key);
  }

  /** How many rate-limited retries the key had since it was last forgotten. */
  retries(key: string): number {
    return this.#backoff.retries(key);
  }

  /** Keys ready and waiting for a worker (the "queue depth"). */
  get length(): number {
    return this.#ready.size;
  }

  /** Keys whose `addAfter`/`addRateLimited` delay has not passed yet. */
  get delayedCount(): number {
    return this.#waiting.size;
  }

  get processingCount(): number {
    return this.#processing.size;
  }

  /** Resolves when no key is being processed. */
  whenIdle(): Promise<void> {
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #dispatch(): void {
    while (this.#state === 'running' && this.#processing.size < this.#concurrency && this.#ready.size > 0) {
      if (this.#dispatchBucket !== undefined && !this.#dispatchBucket.tryTake()) {
        this.#dispatchTimer ??= this.#clock.setTimer(this.#dispatchBucket.msUntilToken(), () => {
          this.#dispatchTimer = undefined;
          this.#dispatch();
        });
        return;
      }
      const [key, readyAt] = this.#ready.entries().next().value as [string, number];
      this.#ready.delete(key);
      this.#dirty.delete(key);
      this.#processing.add(key);
      try {
        this.#onDispatch?.(key, this.#clock.now() - readyAt);
      } catch {
        // A metrics hook must not keep a key from its worker.
      }
      void this.#process(key);
    }
  }

  async #process(key: string): Promise<void> {
    try {
      await this.#handler(key);
    } catch (error) {
      try {
        this.#onHandlerError(key, error);
      } catch {
        // An error reporter that throws must not wedge the key in #processing.
      }
    } finally {
      this.#done(key);
    }
  }

  #done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key)) this.#ready.set(key, this.#clock.now());
    if (this.#processing.size === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
    this.#dispatch();
  }
}
