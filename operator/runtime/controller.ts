// One controller: informers feed keys into a keyed work queue; workers call
// `reconcile(key)`. Reconcile is level-based: it reads the current state for
// the key (the object may be gone) and makes the world match.
// - success: the key's backoff is forgotten;
// - `{ requeueAfterMs }`: success, and the key comes back after that delay;
// - a thrown error: the key comes back with per-key exponential backoff,
//   bounded by the queue's global retry rate limit.
// The queue guarantees that one key is never reconciled twice at once.
import type { KubernetesObject } from '@kubernetes/client-node';
import { type Clock, realClock } from './clock.ts';
import type { ResilientInformer } from './informer.ts';
import { objectKey } from './keys.ts';
import { type Logger, silentLogger } from './logger.ts';
import { ReconcileResult, type RuntimeMetrics } from './metrics.ts';
import type { UpdatePredicate } from './predicates.ts';
import type { BackoffOptions, TokenBucketOptions } from './rate-limit.ts';
import { WorkQueue } from './work-queue.ts';

export interface ReconcileOutcome {
  /** Reconcile again after this many milliseconds (for work that is due later, or polling). */
  readonly requeueAfterMs?: number;
}

export interface ReconcileContext {
  readonly log: Logger;
  /**
   * Aborted when this replica stops leading or shuts down. Long reconciles
   * should check it between steps (or pass it on) and give up, so a new
   * leader does not act on the same object at the same time.
   */
  readonly signal: AbortSignal;
}

/** Reconciles one key; resolving with nothing means plain success. */
export type Reconciler = (
  key: string,
  context: ReconcileContext,
) => Promise<ReconcileOutcome | undefined> | Promise<void>;

export interface ControllerOptions {
  /** Names the controller in logs and metrics, e.g. `tradingbot`. */
  readonly name: string;
  readonly reconcile: Reconciler;
  /** Reconciles running at once, each on a different key (default 1). */
  readonly concurrency?: number;
  readonly backoff?: BackoffOptions;
  readonly rateLimit?: TokenBucketOptions | false;
  /** Optional cap on reconciles per second for this controller (off by default). */
  readonly dispatchRateLimit?: TokenBucketOptions;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly metrics?: RuntimeMetrics;
}

export interface WatchOptions<T extends KubernetesObject> {
  /**
   * Which updates enqueue (see predicates.ts), e.g. `generationChanged` so a
   * controller's own status writes do not trigger it again. Adds, deletes and
   * resyncs always enqueue.
   */
  readonly updatePredicate?: UpdatePredicate<T>;
  /**
   * Whether the informer's periodic resync enqueues (default true). Owned
   * children can say no: their owner's own informer resyncs it once, where
   * each child would enqueue it again.
   */
  readonly resync?: boolean;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #reconcile: Reconciler;
  readonly #log: Logger;
  readonly #metrics: RuntimeMetrics | undefined;
  readonly #informers: Array<ResilientInformer<KubernetesObject>> = [];
  #untrackDepth: (() => void) | undefined;
  /** Aborted when the workers pause or stop; renewed when they run again. */
  #session = new AbortController();

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.#reconcile = options.reconcile;
    this.#log = (options.logger ?? silentLogger()).child({ controller: options.name });
    this.#metrics = options.metrics;
    const queueOptions = {
      handler: (key: string) => this.#reconcileKey(key),
      onDispatch: (_key: string, waitedMs: number) =>
        this.#metrics?.queueWait.observe({ controller: this.name }, waitedMs / 1000),
      concurrency: options.concurrency ?? 1,
      clock: options.clock ?? realClock,
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
      ...(options.dispatchRateLimit === undefined ? {} : { dispatchRateLimit: options.dispatchRateLimit }),
    };
    this.queue = new WorkQueue(queueOptions);
    this.#untrackDepth = this.#metrics?.trackQueueDepth(this.name, () => this.queue.length);
  }

  /**
   * Enqueues keys for the informer's objects on add, update, delete and
   * resync. `keysFor` maps an object to the keys to reconcile (default: the
   * object's own key; use `controllerOwnerKey` for children).
   */
  watch<T extends KubernetesObject>(
    informer: ResilientInformer<T>,
    keysFor: (object: T) => string[] = ownKey,
    options: WatchOptions<T> = {},
  ): void {
    const enqueue = (object: T): void => {
      for (const key of keysFor(object)) this.queue.add(key);
    };
    const { updatePredicate } = options;
    const update = (object: T, old: T | undefined): void => {
      if (updatePredicate !== undefined && !updatePredicate(object, old)) return;
      enqueue(object);
      // A child that moved to another owner: the old owner must notice too.
      if (old !== undefined) enqueue(old);
    };
    informer.addHandlers({
      add: enqueue,
      update,
      delete: enqueue,
      ...(options.resync === false ? {} : { resync: enqueue }),
    });
    if (!this.#informers.includes(informer as ResilientInformer<KubernetesObject>)) {
      this.#informers.push(informer as ResilientInformer<KubernetesObject>);
    }
  }

  get informers(): ReadonlyArray<ResilientInformer<KubernetesObject>> {
    return this.#informers;
  }

  /** True when every watched informer has listed and is watching. */
  get hasSynced(): boolean {
    return this.#informers.every((informer) => informer.hasSynced);
  }

  /** Starts the informers (they fill the cache and the queue, on every replica) and waits for them to sync. */
  async startInformers(): Promise<void> {
    await Promise.all(this.#informers.map((informer) => informer.start()));
    await Promise.all(this.#informers.map((informer) => informer.waitForSync()));
  }

  /** Starts reconciling (when this replica leads). */
  runWorkers(): void {
    this.#log.info('starting workers');
    if (this.#session.signal.aborted) this.#session = new AbortController();
    this.queue.run();
  }

  /** Stops taking keys and waits for in-flight reconciles (when this replica stops leading). */
  async pauseWorkers(): Promise<void> {
    this.#session.abort(new Error(`controller ${this.name}: workers paused`));
    await this.queue.pause();
    this.#log.info('workers paused');
  }

  /** Everything, for a controller that runs without leader election. */
  async start(): Promise<void> {
    await this.startInformers();
    this.runWorkers();
  }

  async stopInformers(): Promise<void> {
    await Promise.all(this.#informers.map((informer) => informer.stop()));
  }

  /** Refuses new keys and waits for in-flight reconciles. */
  async drainQueue(): Promise<void> {
    this.#session.abort(new Error(`controller ${this.name}: shutting down`));
    await this.queue.shutDown();
    this.#untrackDepth?.();
    this.#untrackDepth = undefined;
  }

  async stop(): Promise<void> {
    await this.stopInformers();
    await this.drainQueue();
  }

  async #reconcileKey(key: string): Promise<void> {
    const log = this.#log.child({ key });
    const labels = { controller: this.name };
    const started = performance.now();
    this.#metrics?.activeWorkers.inc(labels);
    let result: ReconcileResult = ReconcileResult.error;
    const { signal } = this.#session;
    try {
      const outcome = await this.#reconcile(key, { log, signal });
      this.queue.forget(key);
      const requeueAfterMs = outcome?.requeueAfterMs ?? 0;
      if (requeueAfterMs > 0) {
        this.queue.addAfter(key, requeueAfterMs);
        result = ReconcileResult.requeueAfter;
      } else {
        result = ReconcileResult.success;
      }
      log.debug({ requeueAfterMs: requeueAfterMs || undefined }, 'reconciled');
    } catch (error) {
      if (signal.aborted) {
        // Stopped on purpose (leadership lost, shutdown): not a failure. The
        // key waits for the workers to run again (or for the next leader).
        result = ReconcileResult.interrupted;
        this.queue.add(key);
        log.info({ err: error }, 'reconcile interrupted');
        return;
      }
      result = ReconcileResult.error;
      const retryInMs = this.queue.addRateLimited(key);
      this.#metrics?.reconcileErrors.inc(labels);
      this.#metrics?.queueRetries.inc(labels);
      log.error(
        { err: error, retryInMs, retries: this.queue.retries(key) },
        'reconcile failed; retrying with backoff',
      );
    } finally {
      this.#metrics?.activeWorkers.dec(labels);
      this.#metrics?.reconcileTotal.inc({ ...labels, result });
      this.#metrics?.reconcileDuration.observe(labels, (performance.now() - started) / 1000);
    }
  }
}

function ownKey(object: KubernetesObject): string[] {
  return [objectKey(object)];
}
