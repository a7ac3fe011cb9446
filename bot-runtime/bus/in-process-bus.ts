// The bus of `botcore run`: every role in one process, no server. It keeps
// JetStream's semantics so that code cannot tell it from nats-bus.ts: durable
// events de-duplicated by id within a window, per-consumer ordered delivery
// with explicit acks, redelivery after a nak or the ack wait, and
// request/reply control. Payloads travel as JSON text, as on the wire, so a
// payload that would not survive NATS (a Decimal object, a Map) fails here too.
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
  readonly json: string;
  readonly headers: TraceHeaders;
}

interface StreamState {
  readonly messages: Stored[];
  /** Sequence of messages[0]. */
  firstSeq: number;
  lastSeq: number;
  readonly ids: Map<string, { seq: number; at: number }>;
  readonly waiters: Set<() => void>;
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
  readonly #consumers = new Map<string, ConsumerState>();
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
      this.#streams.set(kind, { messages: [], firstSeq: 1, lastSeq: 0, ids: new Map(), waiters: new Set() });
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
    const json = JSON.stringify(payload);
    if (json === undefined) throw new Error(`payload of ${kind} ${id} is not JSON`);
    const seq = ++stream.lastSeq;
    stream.messages.push({ seq, id, json, headers: this.#inject(options) });
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
    const waiters = [...stream.waiters];
    stream.waiters.clear();
    for (const w of waiters) w();
  }

  #consumer(kind: EventKind, spec: ConsumerSpec): ConsumerState {
    const key = `${kind}/${spec.name}`;
    let state = this.#consumers.get(key);
    if (!state) {
      state = { nextSeq: 1, pending: new Map() };
      this.#consumers.set(key, state);
    }
    return state;
  }

  async fetchEvents<T = unknown>(
    kind: EventKind,
    spec: ConsumerSpec,
    max: number,
    waitMs: number,
  ): Promise<Delivery<T>[]> {
    this.#open();
    const stream = this.#stream(kind);
    const consumer = this.#consumer(kind, spec);
    const deadline = this.#now() + waitMs;
    for (;;) {
      const out = this.#take<T>(kind, stream, consumer, spec, max);
      const now = this.#now();
      if (out.length > 0 || now >= deadline || this.#closed) return out;
      // Sleep until a publish or nak wakes us, a pending delivery falls due, or the wait ends.
      let nextDue = deadline;
      for (const p of consumer.pending.values()) nextDue = Math.min(nextDue, p.due);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.max(1, nextDue - now));
        function done(): void {
          clearTimeout(timer);
          stream.waiters.delete(done);
          resolve();
        }
        stream.waiters.add(done);
      });
    }
  }

  #take<T>(
    kind: EventKind,
    stream: StreamState,
    consumer: ConsumerState,
    spec: ConsumerSpec,
    max: number,
  ): Delivery<T>[] {
    const now = this.#now();
    const ackWait = spec.ackWaitMs ?? this.#ackWaitMs;
    const limit = spec.maxAckPending ?? 1;
    const out: Delivery<T>[] = [];
    // Messages the stream has dropped can no longer be delivered.
    if (consumer.nextSeq < stream.firstSeq) consumer.nextSeq = stream.firstSeq;
    for (const seq of consumer.pending.keys()) if (seq < stream.firstSeq) consumer.pending.delete(seq);
    // Redeliveries first, oldest first: with one outstanding delivery the order never changes.
    const due = [...consumer.pending].filter(([, p]) => p.due <= now).sort(([a], [b]) => a - b);
    for (const [seq, p] of due) {
      if (out.length >= max) return out;
      p.count++;
      p.due = now + ackWait;
      out.push(this.#delivery<T>(kind, stream, consumer, seq, p));
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
    const count = pending.count;
    // Only the delivery that is still outstanding may settle it: a late ack of a
    // delivery that already timed out and went out again must not ack the new one.
    const current = () => consumer.pending.get(seq) === pending && pending.count === count;
    return {
      kind,
      id: stored.id,
      seq,
      payload: JSON.parse(stored.json) as T,
      deliveryCount: count,
      context: this.#extract(stored.headers),
      traceparent: stored.headers.traceparent,
      ack: async () => {
        if (current()) {
          consumer.pending.delete(seq);
          this.#wake(stream);
        }
      },
      nak: (delayMs = 0) => {
        if (current()) {
          pending.due = this.#now() + delayMs;
          this.#wake(stream);
        }
      },
    };
  }

  async unacknowledged(kind: EventKind, spec: ConsumerSpec): Promise<number> {
    const stream = this.#stream(kind);
    const consumer = this.#consumer(kind, spec);
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
    for (const stream of this.#streams.values()) this.#wake(stream);
    this.#marketData.clear();
    this.#status.clear();
    this.#control = undefined;
  }
}
