// The bus of `botcore run`: every role in one process, no server. It keeps
// JetStream's semantics so that code cannot tell it from nats-bus.ts: durable
// events de-duplicated by id within a window, per-consumer ordered delivery
// with explicit acks, redelivery after a nak or the ack wait, and
// request/reply control. A durable payload arrives as a JSON round trip makes
// it, as on the wire, so one that would not survive NATS (a Decimal object, a
// Map) fails here too; plain data is copied without making the text
// (`jsonCopy`), which is most of what a message costs in one process.
// Streams live in memory: in standalone mode the file ledger is the durable record.
import type { Context, TextMapPropagator } from '@opentelemetry/api';
import type { ControlReply, RuntimeReport } from '../../crds/runtime-config/index.ts';
import type {
  Bus,
  ConsumerSpec,
  ControlDelivery,
  Delivery,
  MarketDataMessage,
  PublishAck,
  PublishOptions,
  Subscription,
} from './bus.ts';
import { type EventKind, eventKinds } from './subjects.ts';
import { extractTrace, injectTrace, type TraceHeaders } from './trace.ts';

export interface InProcessBusOptions {
  /** De-dup window for message ids (JetStream's default is 2 minutes). */
  readonly duplicateWindowMs?: number;
  /**
   * Messages kept per stream; the oldest go first. Smaller than JetStream's
   * limits: in one process every consumer keeps up or the process is gone,
   * and memory is what a long paper run would run out of.
   */
  readonly maxMessagesPerStream?: number;
  readonly defaultAckWaitMs?: number;
  readonly now?: () => number;
  readonly propagator?: TextMapPropagator;
  /** A subscriber's handler threw; stderr by default. */
  readonly onHandlerError?: (error: unknown) => void;
}

interface Stored {
  readonly seq: number;
  readonly id: string;
  /** The payload as it would come off the wire: plain data (`jsonCopy`), or its JSON text. */
  readonly payload: { readonly copy: unknown } | { readonly json: string };
  readonly headers: TraceHeaders;
}

interface StreamState {
  readonly messages: Stored[];
  /** Sequence of messages[0]. */
  firstSeq: number;
  lastSeq: number;
  readonly ids: Map<string, { seq: number; at: number }>;
  /** Its durable consumers, by name. */
  readonly consumers: Map<string, ConsumerState>;
  /** Fetches waiting for a message: each resolves at the next wake. */
  readonly waiters: Set<() => void>;
  /** Wakes the waiters (made once: every ack and nak calls it). */
  readonly wake: () => void;
  /**
   * Wakes the waiters when the earliest of their deadlines (or a redelivery)
   * falls due, at `timerAt`. One per stream, left to run out when a message
   * wakes them first: no timer is set and cleared per message.
   */
  timer: NodeJS.Timeout | undefined;
  timerAt: number;
}

interface PendingDelivery {
  count: number;
  /** When it may be delivered again. */
  due: number;
}

interface ConsumerState {
  nextSeq: number;
  readonly pending: Map<number, PendingDelivery>;
}

const DEFAULT_ACK_WAIT_MS = 30_000;

export class InProcessBus implements Bus {
  readonly #duplicateWindowMs: number;
  readonly #maxMessages: number;
  readonly #ackWaitMs: number;
  readonly #now: () => number;
  readonly #propagator: TextMapPropagator | undefined;
  readonly #onHandlerError: (error: unknown) => void;
  readonly #streams = new Map<EventKind, StreamState>();
  readonly #marketData = new Set<{
    filter: { symbol?: string; timeframe?: string };
    handler: (m: MarketDataMessage, c: Context) => void;
  }>();
  readonly #status = new Set<(r: RuntimeReport) => void>();
  #control: ((d: ControlDelivery) => Promise<ControlReply>) | undefined;
  #closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.#duplicateWindowMs = options.duplicateWindowMs ?? 120_000;
    this.#maxMessages = options.maxMessagesPerStream ?? 100_000;
    this.#ackWaitMs = options.defaultAckWaitMs ?? DEFAULT_ACK_WAIT_MS;
    this.#now = options.now ?? Date.now;
    this.#propagator = options.propagator;
    this.#onHandlerError =
      options.onHandlerError ?? ((error) => console.error('botcore bus: a subscriber failed:', error));
    for (const kind of eventKinds) {
      const stream: StreamState = {
        messages: [],
        firstSeq: 1,
        lastSeq: 0,
        ids: new Map(),
        consumers: new Map(),
        waiters: new Set(),
        wake: () => this.#wake(stream),
        timer: undefined,
        timerAt: Number.POSITIVE_INFINITY,
      };
      this.#streams.set(kind, stream);
    }
  }

  #open(): void {
    if (this.#closed) throw new Error('the in-process bus is closed');
  }

  #inject(options: PublishOptions | undefined): TraceHeaders {
    return injectTrace(options?.context, this.#propagator);
  }

  #extract(headers: TraceHeaders): Context {
    return extractTrace(headers, this.#propagator);
  }

  publishMarketData(message: MarketDataMessage, options?: PublishOptions): void {
    this.#open();
    if (this.#marketData.size === 0) return;
    const ctx = this.#extract(this.#inject(options));
    // Synchronous fan-out: inside one process the market event reaches the strategies without a hop.
    for (const sub of this.#marketData) {
      const { symbol, timeframe } = sub.filter;
      if (symbol !== undefined && symbol !== message.symbol) continue;
      if (timeframe !== undefined && timeframe !== message.timeframe) continue;
      // One failing subscriber must not fail the publisher or starve the others (as on NATS).
      try {
        sub.handler(message, ctx);
      } catch (error) {
        this.#onHandlerError(error);
      }
    }
  }

  async subscribeMarketData(
    filter: { readonly symbol?: string; readonly timeframe?: string },
    handler: (message: MarketDataMessage, context: Context) => void,
  ): Promise<Subscription> {
    this.#open();
    const sub = { filter: { ...filter }, handler };
    this.#marketData.add(sub);
    return {
      unsubscribe: async () => {
        this.#marketData.delete(sub);
      },
    };
  }

  async publishEvent<T>(
    kind: EventKind,
    id: string,
    payload: T,
    options?: PublishOptions,
  ): Promise<PublishAck> {
    this.#open();
    if (!id) throw new Error('a durable event needs a message id');
    const stream = this.#stream(kind);
    const now = this.#now();
    const seen = stream.ids.get(id);
    if (seen !== undefined && now - seen.at < this.#duplicateWindowMs)
      return { seq: seen.seq, duplicate: true };
    const stored = storedPayload(payload);
    if (stored === undefined) throw new Error(`payload of ${kind} ${id} is not JSON`);
    const seq = ++stream.lastSeq;
    stream.messages.push({ seq, id, payload: stored, headers: this.#inject(options) });
    stream.ids.set(id, { seq, at: now });
    this.#trim(stream, now);
    this.#wake(stream);
    return { seq, duplicate: false };
  }

  #stream(kind: EventKind): StreamState {
    const stream = this.#streams.get(kind);
    if (!stream) throw new Error(`no stream for event kind ${kind}`);
    return stream;
  }

  #trim(stream: StreamState, now: number): void {
    while (stream.messages.length > this.#maxMessages) {
      stream.messages.shift();
      stream.firstSeq++;
    }
    // Ids age out of the window in publish order, so the oldest are first in the map.
    for (const [id, seen] of stream.ids) {
      if (now - seen.at < this.#duplicateWindowMs) break;
      stream.ids.delete(id);
    }
  }

  #wake(stream: StreamState): void {
    // Each waiter resolves a promise: nothing runs (and joins the set) before the loop is done.
    for (const resolve of stream.waiters) resolve();
    stream.waiters.clear();
  }

  #consumer(stream: StreamState, spec: ConsumerSpec): ConsumerState {
    let state = stream.consumers.get(spec.name);
    if (!state) {
      state = { nextSeq: 1, pending: new Map() };
      stream.consumers.set(spec.name, state);
    }
    return state;
  }

  /** Makes sure the stream's waiters are woken by `at` (this bus's clock; `now` is its time now). */
  #wakeBy(stream: StreamState, at: number, now: number): void {
    if (stream.timer !== undefined && stream.timerAt <= at) return;
    clearTimeout(stream.timer);
    stream.timerAt = at;
    stream.timer = setTimeout(
      () => {
        stream.timer = undefined;
        stream.timerAt = Number.POSITIVE_INFINITY;
        this.#wake(stream);
      },
      Math.max(1, at - now),
    );
  }

  async fetchEvents<T = unknown>(
    kind: EventKind,
    spec: ConsumerSpec,
    max: number,
    waitMs: number,
  ): Promise<Delivery<T>[]> {
    this.#open();
    const stream = this.#stream(kind);
    const consumer = this.#consumer(stream, spec);
    // What is waiting goes out at once, without reading the clock for a deadline.
    let out = this.#take<T>(kind, stream, consumer, spec, max);
    if (out.length > 0 || waitMs <= 0) return out;
    const deadline = this.#now() + waitMs;
    for (;;) {
      const now = this.#now();
      if (now >= deadline || this.#closed) return out;
      // Sleep until a publish or nak wakes us, a pending delivery falls due, or the wait ends.
      let nextDue = deadline;
      for (const p of consumer.pending.values()) nextDue = Math.min(nextDue, p.due);
      await new Promise<void>((resolve) => {
        stream.waiters.add(resolve);
        this.#wakeBy(stream, nextDue, now);
      });
      out = this.#take<T>(kind, stream, consumer, spec, max);
      if (out.length > 0) return out;
    }
  }

  #take<T>(
    kind: EventKind,
    stream: StreamState,
    consumer: ConsumerState,
    spec: ConsumerSpec,
    max: number,
  ): Delivery<T>[] {
    const out: Delivery<T>[] = [];
    const pending = consumer.pending;
    // Nothing outstanding and nothing new: the usual answer of a consumer that keeps up.
    if (pending.size === 0 && consumer.nextSeq > stream.lastSeq) return out;
    const now = this.#now();
    const ackWait = spec.ackWaitMs ?? this.#ackWaitMs;
    const limit = spec.maxAckPending ?? 1;
    // Messages the stream has dropped can no longer be delivered.
    if (consumer.nextSeq < stream.firstSeq) consumer.nextSeq = stream.firstSeq;
    if (pending.size > 0) {
      for (const seq of pending.keys()) if (seq < stream.firstSeq) pending.delete(seq);
      // Redeliveries first, oldest first: with one outstanding delivery the order never changes.
      const due = [...pending].filter(([, p]) => p.due <= now).sort(([a], [b]) => a - b);
      for (const [seq, p] of due) {
        if (out.length >= max) return out;
        p.count++;
        p.due = now + ackWait;
        out.push(this.#delivery<T>(kind, stream, consumer, seq, p));
      }
    }
    while (out.length < max && consumer.pending.size < limit && consumer.nextSeq <= stream.lastSeq) {
      const seq = consumer.nextSeq++;
      const p = { count: 1, due: now + ackWait };
      consumer.pending.set(seq, p);
      out.push(this.#delivery<T>(kind, stream, consumer, seq, p));
    }
    return out;
  }

  #delivery<T>(
    kind: EventKind,
    stream: StreamState,
    consumer: ConsumerState,
    seq: number,
    pending: PendingDelivery,
  ): Delivery<T> {
    const stored = stream.messages[seq - stream.firstSeq];
    if (!stored) throw new Error(`stream ${kind} lost message ${seq}`);
    return new InProcessDelivery<T>(
      kind,
      stored,
      ('copy' in stored.payload ? jsonCopy(stored.payload.copy) : JSON.parse(stored.payload.json)) as T,
      this.#extract(stored.headers),
      pending,
      consumer,
      stream.wake,
      this.#now,
    );
  }

  async unacknowledged(kind: EventKind, spec: ConsumerSpec): Promise<number> {
    const stream = this.#stream(kind);
    const consumer = this.#consumer(stream, spec);
    const next = Math.max(consumer.nextSeq, stream.firstSeq);
    const pending = [...consumer.pending.keys()].filter((s) => s >= stream.firstSeq).length;
    return pending + (stream.lastSeq - next + 1);
  }

  async request(
    request: Parameters<Bus['request']>[0],
    timeoutMs: number,
    options?: PublishOptions,
  ): Promise<ControlReply> {
    this.#open();
    const handler = this.#control;
    if (!handler) throw new Error('no responders: nothing serves the control subject');
    const delivery: ControlDelivery = {
      request: JSON.parse(JSON.stringify(request)),
      context: this.#extract(this.#inject(options)),
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`control request timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      // As on NATS, a handler that throws answers `ok: false` with its message.
      const answer = handler(delivery).catch(
        (e: unknown): ControlReply => ({ ok: false, message: (e as Error).message }),
      );
      const reply = await Promise.race([answer, timeout]);
      return JSON.parse(JSON.stringify(reply)) as ControlReply;
    } finally {
      clearTimeout(timer);
    }
  }

  async serveControl(handler: (delivery: ControlDelivery) => Promise<ControlReply>): Promise<Subscription> {
    this.#open();
    if (this.#control) throw new Error('the control subject already has a responder');
    this.#control = handler;
    return {
      unsubscribe: async () => {
        if (this.#control === handler) this.#control = undefined;
      },
    };
  }

  publishStatus(report: RuntimeReport, _options?: PublishOptions): void {
    this.#open();
    const json = JSON.stringify(report);
    for (const handler of this.#status) {
      try {
        handler(JSON.parse(json) as RuntimeReport);
      } catch (error) {
        this.#onHandlerError(error);
      }
    }
  }

  async subscribeStatus(handler: (report: RuntimeReport) => void): Promise<Subscription> {
    this.#open();
    this.#status.add(handler);
    return {
      unsubscribe: async () => {
        this.#status.delete(handler);
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const stream of this.#streams.values()) {
      clearTimeout(stream.timer);
      stream.timer = undefined;
      this.#wake(stream);
    }
    this.#marketData.clear();
    this.#status.clear();
    this.#control = undefined;
  }
}

/** One delivery of a stored message: settles it only while it is still the outstanding one. */
class InProcessDelivery<T> implements Delivery<T> {
  readonly kind: EventKind;
  readonly id: string;
  readonly seq: number;
  readonly payload: T;
  readonly deliveryCount: number;
  readonly context: Context;
  readonly traceparent: string | undefined;
  readonly #pending: PendingDelivery;
  readonly #consumer: ConsumerState;
  readonly #wake: () => void;
  readonly #now: () => number;

  constructor(
    kind: EventKind,
    stored: Stored,
    payload: T,
    context: Context,
    pending: PendingDelivery,
    consumer: ConsumerState,
    wake: () => void,
    now: () => number,
  ) {
    this.kind = kind;
    this.id = stored.id;
    this.seq = stored.seq;
    this.payload = payload;
    this.deliveryCount = pending.count;
    this.context = context;
    this.traceparent = stored.headers.traceparent;
    this.#pending = pending;
    this.#consumer = consumer;
    this.#wake = wake;
    this.#now = now;
  }

  // A late ack of a delivery that already timed out and went out again must not ack the new one.
  #current(): boolean {
    return (
      this.#consumer.pending.get(this.seq) === this.#pending && this.#pending.count === this.deliveryCount
    );
  }

  async ack(): Promise<void> {
    if (!this.#current()) return;
    this.#consumer.pending.delete(this.seq);
    this.#wake();
  }

  nak(delayMs = 0): void {
    if (!this.#current()) return;
    this.#pending.due = this.#now() + delayMs;
    this.#wake();
  }
}

/** The payload to store: a plain-data copy when it has one, else its JSON text; undefined when it is not JSON. */
function storedPayload(payload: unknown): Stored['payload'] | undefined {
  const copy = jsonCopy(payload);
  if (copy !== NOT_PLAIN) return { copy };
  const json = JSON.stringify(payload);
  return json === undefined ? undefined : { json };
}

/** `jsonCopy`'s answer for a value that is not plain data (JSON text is made for it instead). */
export const NOT_PLAIN: unique symbol = Symbol('not plain data');

/**
 * A deep copy of plain data equal to `JSON.parse(JSON.stringify(value))`,
 * without making the text: what a payload is after a trip over the wire, at a
 * fraction of the cost. Only strings, booleans, null, finite numbers, arrays
 * and plain objects are copied (an undefined, function or symbol property is
 * dropped, and in an array is null, as JSON does); anything else (a Decimal, a
 * Date, a Map, NaN, a bigint, an object nested past `depth`) answers
 * NOT_PLAIN, and the caller takes the JSON way, which decides what it becomes.
 */
export function jsonCopy(value: unknown, depth = 64): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON writes -0 as 0; NaN and the infinities as null (left to JSON).
      return Number.isFinite(value) ? value + 0 : NOT_PLAIN;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (value === null) return null;
  if (depth === 0) return NOT_PLAIN;
  const proto = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    const array = value as readonly unknown[];
    if (Object.hasOwn(array, 'toJSON')) return NOT_PLAIN;
    const out: unknown[] = new Array(array.length);
    for (let i = 0; i < array.length; i++) {
      const v = array[i];
      const c = dropped(v) ? null : jsonCopy(v, depth - 1);
      if (c === NOT_PLAIN) return NOT_PLAIN;
      out[i] = c;
    }
    return out;
  }
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const object = value as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    // Assigning '__proto__' would set the copy's prototype; a toJSON is JSON's to call.
    if (key === '__proto__' || key === 'toJSON') return NOT_PLAIN;
    const v = object[key];
    if (dropped(v)) continue;
    const c = jsonCopy(v, depth - 1);
    if (c === NOT_PLAIN) return NOT_PLAIN;
    out[key] = c;
  }
  return out;
}

/** What JSON leaves out of an object (and writes as null in an array). */
function dropped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}
