// Kubernetes Events for the objects the operator manages, as `kubectl
// describe tradingbot` shows them ("Normal  Reconciled ...", "Warning
// InvalidSpec ..."). Like client-go's recorder:
// - recording never blocks and never throws: writes happen in the background
//   and failures are only logged, so an event can not break a reconcile;
// - a repeat of the same event (object, type, reason, message) within the
//   aggregation window bumps `count` and `lastTimestamp` on one Event object
//   instead of creating a new one;
// - a token bucket bounds the write rate; events over it are dropped.
// Messages go through the log redactor: events are readable by anyone who can
// read the namespace.
import type { CoreV1Api, CoreV1Event, KubernetesObject } from '@kubernetes/client-node';
import { type Clock, realClock } from './clock.ts';
import { type Logger, redactString, silentLogger } from './logger.ts';
import { TokenBucket, type TokenBucketOptions } from './rate-limit.ts';
import { type RestClient, statusOf } from './rest-client.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  event(object: KubernetesObject, type: EventType, reason: string, message: string): void;
}

/** The two writes a recorder makes; `coreV1EventSink` adapts client-node's CoreV1Api. */
export interface EventSink {
  create(namespace: string, event: CoreV1Event): Promise<CoreV1Event>;
  replace(namespace: string, name: string, event: CoreV1Event): Promise<CoreV1Event>;
}

export function coreV1EventSink(api: CoreV1Api): EventSink {
  return {
    create: (namespace, body) => api.createNamespacedEvent({ namespace, body }),
    replace: (namespace, name, body) => api.replaceNamespacedEvent({ namespace, name, body }),
  };
}

/** The same two writes over RestClient. */
export function restEventSink(client: RestClient): EventSink {
  const path = (namespace: string) => `/api/v1/namespaces/${namespace}/events`;
  return {
    create: (namespace, body) => client.request<CoreV1Event>('POST', path(namespace), { body }),
    replace: (namespace, name, body) =>
      client.request<CoreV1Event>('PUT', `${path(namespace)}/${name}`, { body }),
  };
}

export interface EventRecorderOptions {
  readonly sink: EventSink;
  /** `source.component` / `reportingComponent`, e.g. `botcore-operator`. */
  readonly component: string;
  /** `reportingInstance`, e.g. the pod name. */
  readonly instance?: string;
  /** Repeats within this window aggregate into one Event (default 10 minutes). */
  readonly aggregationWindowMs?: number;
  /** Write rate limit (default 5 per second, burst 25). */
  readonly rateLimit?: TokenBucketOptions;
  /** Distinct recent events remembered for aggregation (default 4096). */
  readonly maxTracked?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

const maxMessageLength = 1024;

interface Tracked {
  readonly namespace: string;
  readonly firstAt: number;
  lastAt: number;
  count: number;
  /** The Event as first built, to create again if its first write failed. */
  readonly template: CoreV1Event;
  /** The Event as last written; undefined until a create succeeded. */
  written: CoreV1Event | undefined;
  /** This Event's writes, one after the other (a create ahead of the updates that follow it). */
  writes: Promise<void>;
}

export class KubernetesEventRecorder implements EventRecorder {
  readonly #sink: EventSink;
  readonly #component: string;
  readonly #instance: string | undefined;
  readonly #windowMs: number;
  readonly #maxTracked: number;
  readonly #bucket: TokenBucket;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #tracked = new Map<string, Tracked>();
  /** Writes not finished yet, for `flush`. */
  readonly #pending = new Set<Promise<void>>();
  #dropped = 0;

  constructor(options: EventRecorderOptions) {
    this.#sink = options.sink;
    this.#component = options.component;
    this.#instance = options.instance;
    this.#windowMs = options.aggregationWindowMs ?? 10 * 60_000;
    this.#maxTracked = options.maxTracked ?? 4096;
    this.#clock = options.clock ?? realClock;
    this.#bucket = new TokenBucket(options.rateLimit ?? { qps: 5, burst: 25 }, this.#clock);
    this.#log = (options.logger ?? silentLogger()).child({ component: 'event-recorder' });
  }

  /** Events dropped by the rate limit so far. */
  get dropped(): number {
    return this.#dropped;
  }

  event(object: KubernetesObject, type: EventType, reason: string, message: string): void {
    const metadata = object.metadata ?? {};
    if (metadata.name === undefined) return;
    if (!this.#bucket.tryTake()) {
      this.#dropped++;
      this.#log.debug({ reason, object: metadata.name }, 'event dropped by rate limit');
      return;
    }
    const now = this.#clock.now();
    const text = truncate(redactString(message));
    const key = [metadata.uid ?? `${metadata.namespace}/${metadata.name}`, type, reason, text].join('\u0000');
    let tracked = this.#tracked.get(key);
    if (tracked !== undefined && now - tracked.firstAt > this.#windowMs) tracked = undefined;
    if (tracked === undefined) {
      const template = this.#newEvent(object, type, reason, text, now);
      const namespace = metadata.namespace || 'default';
      tracked = {
        namespace,
        firstAt: now,
        lastAt: now,
        count: 1,
        template,
        written: undefined,
        writes: Promise.resolve(),
      };
      this.#track(key, tracked);
      this.#enqueue(tracked, () => this.#sink.create(namespace, template));
      return;
    }
    tracked.count++;
    tracked.lastAt = now;
    this.#track(key, tracked);
    const entry = tracked;
    this.#enqueue(entry, async () => {
      const previous = entry.written;
      const update = { count: entry.count, lastTimestamp: new Date(entry.lastAt) };
      if (previous === undefined) return this.#sink.create(entry.namespace, { ...entry.template, ...update });
      const body: CoreV1Event = { ...previous, ...update };
      try {
        return await this.#sink.replace(entry.namespace, previous.metadata.name ?? '', body);
      } catch (error) {
        // Events expire (one hour by default): write a fresh one with the running count.
        if (statusOf(error) !== 404) throw error;
        const { resourceVersion: _rv, uid: _uid, ...metadata } = previous.metadata;
        return this.#sink.create(entry.namespace, { ...body, metadata });
      }
    });
  }

  /** Resolves when every event recorded so far has been written (or failed). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  #enqueue(tracked: Tracked, write: () => Promise<CoreV1Event>): void {
    // One write at a time per Event keeps its create ahead of the updates that
    // follow it; different Events are written side by side, so a burst (a
    // thousand bots turning Ready) does not queue behind one round trip each.
    const next = tracked.writes.then(async () => {
      try {
        tracked.written = await write();
      } catch (error) {
        this.#log.warn({ err: error }, 'writing an event failed');
      }
    });
    tracked.writes = next;
    this.#pending.add(next);
    void next.then(() => this.#pending.delete(next));
  }

  #track(key: string, tracked: Tracked): void {
    // Map order is insertion order: re-inserting keeps the most recent last, the oldest first.
    this.#tracked.delete(key);
    this.#tracked.set(key, tracked);
    if (this.#tracked.size > this.#maxTracked) {
      const oldest = this.#tracked.keys().next().value;
      if (oldest !== undefined) this.#tracked.delete(oldest);
    }
  }

  #newEvent(
    object: KubernetesObject,
    type: EventType,
    reason: string,
    message: string,
    now: number,
  ): CoreV1Event {
    const metadata = object.metadata ?? {};
    const at = new Date(now);
    const event: CoreV1Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${metadata.name}.${now.toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`,
        namespace: metadata.namespace || 'default',
      },
      involvedObject: {
        ...(object.apiVersion === undefined ? {} : { apiVersion: object.apiVersion }),
        ...(object.kind === undefined ? {} : { kind: object.kind }),
        name: metadata.name,
        ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }),
        ...(metadata.uid === undefined ? {} : { uid: metadata.uid }),
        ...(metadata.resourceVersion === undefined ? {} : { resourceVersion: metadata.resourceVersion }),
      },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: at,
      lastTimestamp: at,
      source: { component: this.#component },
      reportingComponent: this.#component,
    };
    if (this.#instance !== undefined) event.reportingInstance = this.#instance;
    return event;
  }
}

function truncate(text: string): string {
  return text.length <= maxMessageLength ? text : `${text.slice(0, maxMessageLength - 3)}...`;
}
