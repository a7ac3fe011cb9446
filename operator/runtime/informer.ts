// An informer that keeps itself alive, on top of a list-then-watch source:
// RestListWatch (rest-list-watch.ts) in the operator, or client-node's
// ListWatch, whose behaviour RestListWatch keeps.
//
// What client-node v2.0.1's ListWatch already does (node_modules/@kubernetes/
// client-node/dist/cache.js, `doneHandler` and `watchHandler`), and
// RestListWatch likewise:
// - 410 Gone, either as the watch request's HTTP status or as an ERROR event
//   in the stream ("too old resource version"), clears its resourceVersion;
//   when the watch then ends it re-lists, emits `delete` for objects that
//   vanished meanwhile, `add`/`update` for new or changed ones (unchanged
//   resourceVersion: no event), and watches again. No
//   `error` is emitted, so there is nothing for us to do.
// - A watch the server closes normally is re-opened from the last
//   resourceVersion (with its own 1 s..30 s delay when no event came in between);
//   a client-side watch timeout (30 s without data) re-opens at once
//   (RestListWatch instead asks the server to end each watch after 5 to 10
//   minutes, and re-opens it likewise).
// - Any other failure (list error, connection refused, 403, 500, stream
//   reset) is passed to the `error` callbacks and the ListWatch STOPS: it does
//   not retry. That is the case this wrapper handles: it restarts the
//   ListWatch with exponential backoff, keeping the cache and the
//   resourceVersion, so it resumes the watch (or re-lists when that version
//   has expired meanwhile).
// - `stop()` aborts the request, which also reaches the `error` callbacks
//   (an AbortError); errors after our own stop are ignored. A `stop()` that
//   comes while the list is in flight, or during the reconnect delay, does
//   not prevent the watch that follows; we stop again once `start()` returns,
//   and drop (and abort on) any event that arrives after our stop.
//
// It also re-delivers every cached object to `resync` handlers periodically,
// so controllers re-check the world even when nothing changed.
import type { Informer, KubernetesObject, ObjectCache } from '@kubernetes/client-node';
import { type Clock, realClock, type TimerHandle } from './clock.ts';
import { objectKey } from './keys.ts';
import { type Logger, silentLogger } from './logger.ts';
import type { RuntimeMetrics } from './metrics.ts';
import { type BackoffOptions, ExponentialBackoff } from './rate-limit.ts';
import { collectionPath } from './resource-path.ts';
import type { RestClient } from './rest-client.ts';
import { RestListWatch } from './rest-list-watch.ts';

export type InformerSource<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

export interface InformerHandlers<T extends KubernetesObject> {
  add?(object: T): void;
  /** `old` is the version this informer delivered before (undefined only if it never saw one). */
  update?(object: T, old: T | undefined): void;
  delete?(object: T): void;
  /** Every cached object, once per resync period. */
  resync?(object: T): void;
}

export interface ResilientInformerOptions<T extends KubernetesObject> {
  /** Names the informer in logs and metrics, e.g. `tradingbots`. */
  readonly name: string;
  readonly source: InformerSource<T>;
  /** Backoff between restarts after errors (default 1 s doubling to 30 s, as ListWatch's own reconnects). */
  readonly restartBackoff?: BackoffOptions;
  /** How often to re-deliver every cached object to `resync` handlers; 0 or absent turns it off. */
  readonly resyncPeriodMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly metrics?: RuntimeMetrics;
}

export const defaultRestartBackoff: BackoffOptions = { baseDelayMs: 1000, maxDelayMs: 30_000 };

export class ResilientInformer<T extends KubernetesObject> implements ObjectCache<T> {
  readonly name: string;
  readonly #source: InformerSource<T>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #metrics: RuntimeMetrics | undefined;
  readonly #backoff: ExponentialBackoff;
  readonly #resyncPeriodMs: number;
  readonly #handlers: Array<InformerHandlers<T>> = [];
  /**
   * The last version delivered per key, so `update` handlers get the old
   * object too (ListWatch passes only the new one). These are the objects the
   * cache holds anyway: the cost is one map entry per object.
   */
  readonly #previous = new Map<string, T>();

  #running = false;
  #synced = false;
  #errors = 0;
  #restartTimer: TimerHandle | undefined;
  #resyncTimer: TimerHandle | undefined;
  #syncWaiters: Array<() => void> = [];
  #restarts = 0;

  constructor(options: ResilientInformerOptions<T>) {
    this.name = options.name;
    this.#source = options.source;
    this.#clock = options.clock ?? realClock;
    this.#log = (options.logger ?? silentLogger()).child({ informer: options.name });
    this.#metrics = options.metrics;
    this.#backoff = new ExponentialBackoff(options.restartBackoff ?? defaultRestartBackoff);
    this.#resyncPeriodMs = options.resyncPeriodMs ?? 0;

    this.#source.on('add', (object) => {
      if (this.#dropAfterStop()) return;
      this.#previous.set(objectKey(object), object);
      this.#deliver('add', object);
    });
    this.#source.on('update', (object) => {
      if (this.#dropAfterStop()) return;
      const key = objectKey(object);
      const old = this.#previous.get(key);
      this.#previous.set(key, object);
      this.#deliver('update', object, old);
    });
    this.#source.on('delete', (object) => {
      if (this.#dropAfterStop()) return;
      this.#previous.delete(objectKey(object));
      this.#deliver('delete', object);
    });
    this.#source.on('error', (error) => this.#onError(error));
    this.#source.on('connect', () => this.#log.debug('listing or watching'));
  }

  addHandlers(handlers: InformerHandlers<T>): void {
    this.#handlers.push(handlers);
  }

  /** Starts listing and watching; resolves after the first attempt (see `hasSynced` and `waitForSync`). */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#metrics?.informerSynced.set({ informer: this.name }, 0);
    this.#scheduleResync();
    await this.#attempt();
  }

  /** Stops watching and cancels restarts and resyncs; the cache keeps its last content. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#setSynced(false);
    this.#restartTimer?.cancel();
    this.#restartTimer = undefined;
    this.#resyncTimer?.cancel();
    this.#resyncTimer = undefined;
    await this.#source.stop();
  }

  /** True once listed and watching, false again while restarting after an error. */
  get hasSynced(): boolean {
    return this.#synced;
  }

  get isRunning(): boolean {
    return this.#running;
  }

  /** Restarts after errors so far. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Resolves once the informer has synced (at once if it has). */
  waitForSync(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#source.get(name, namespace);
  }

  list(namespace?: string): ReadonlyArray<T> {
    return this.#source.list(namespace);
  }

  async #attempt(): Promise<void> {
    const errorsBefore = this.#errors;
    try {
      // Resolves once the list (when needed) is done and the watch request is
      // open, or after it failed, in which case `error` was already emitted.
      await this.#source.start();
    } catch (error) {
      // Some failures (no current cluster, auth plugin errors) throw instead.
      this.#onError(error);
      return;
    }
    if (!this.#running) {
      // ListWatch checks for stop() before listing but not after: a stop()
      // during the list would leave the watch it then opens running. Abort it.
      await this.#source.stop();
      return;
    }
    if (this.#errors === errorsBefore) {
      this.#backoff.forget(this.name);
      this.#setSynced(true);
    }
  }

  /**
   * ListWatch does not check for stop() after its reconnect delay either, so
   * a watch can open after we stopped. Its events must not reach handlers;
   * the first one also tells us the request exists, so abort it now.
   */
  #dropAfterStop(): boolean {
    if (this.#running) return false;
    void this.#source.stop();
    return true;
  }

  #onError(error: unknown): void {
    if (!this.#running) return; // our own stop() aborts the watch with an error
    this.#errors++;
    this.#setSynced(false);
    if (this.#restartTimer !== undefined) return;
    const delayMs = this.#backoff.next(this.name);
    this.#log.warn({ err: error, restartInMs: delayMs }, 'informer failed; restarting with backoff');
    this.#restartTimer = this.#clock.setTimer(delayMs, () => {
      this.#restartTimer = undefined;
      if (!this.#running) return;
      this.#restarts++;
      this.#metrics?.informerRestarts.inc({ informer: this.name });
      void this.#attempt();
    });
  }

  #setSynced(synced: boolean): void {
    if (this.#synced === synced) return;
    this.#synced = synced;
    this.#metrics?.informerSynced.set({ informer: this.name }, synced ? 1 : 0);
    if (synced) {
      this.#log.info({ objects: this.#source.list().length }, 'informer synced');
      const waiters = this.#syncWaiters;
      this.#syncWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  #scheduleResync(): void {
    if (!(this.#resyncPeriodMs > 0)) return;
    this.#resyncTimer = this.#clock.setTimer(this.#resyncPeriodMs, () => {
      if (!this.#running) return;
      if (this.#synced) {
        for (const object of this.#source.list()) this.#deliver('resync', object);
      }
      this.#scheduleResync();
    });
  }

  #deliver(event: keyof InformerHandlers<T>, object: T, old?: T): void {
    if (event !== 'resync') {
      // An event means the watch works: the next failure starts from the base delay.
      this.#backoff.forget(this.name);
    }
    for (const handlers of this.#handlers) {
      try {
        if (event === 'update') handlers.update?.(object, old);
        else handlers[event]?.(object);
      } catch (error) {
        // A throwing handler inside ListWatch's callback loop would break the
        // watch for every other handler; contain it here.
        this.#log.error({ err: error, event }, 'informer handler threw');
      }
    }
  }
}

export interface ListWatchSpec<T extends KubernetesObject> {
  /** The collection's URL path, e.g. `/api/v1/namespaces/default/configmaps`. */
  readonly path: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Shapes each object before it is cached (default: drops `metadata.managedFields`). */
  readonly transform?: (object: T) => T;
}

/** A list-then-watch source over RestClient that waits for `start()`. */
export function listWatch<T extends KubernetesObject>(
  client: RestClient,
  spec: ListWatchSpec<T>,
): RestListWatch<T> {
  return new RestListWatch<T>(client, spec);
}

export interface CustomResourceSpec {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  /** Watch one namespace; absent: all namespaces (or a cluster-scoped kind). */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/** A list-then-watch source over a custom resource (TradingBot, RiskPolicy). */
export function customResourceListWatch<T extends KubernetesObject>(
  client: RestClient,
  spec: CustomResourceSpec & Pick<ListWatchSpec<T>, 'transform'>,
): RestListWatch<T> {
  const { group, version, plural, namespace, ...rest } = spec;
  return listWatch<T>(client, { path: collectionPath(`${group}/${version}`, plural, namespace), ...rest });
}
