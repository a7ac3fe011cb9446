// The bus between pods: core NATS for the candle fan-out, status reports and
// control request/reply; JetStream for durable events (one stream per bot and
// kind, de-duplicated by `Nats-Msg-Id`, read by durable pull consumers with
// explicit acks). Streams and consumers are created idempotently on first
// use, so every role may start first. docs/messaging.md has the design.
import type { Context, TextMapPropagator } from '@opentelemetry/api';
import {
  AckPolicy,
  type ConnectionOptions,
  type Consumer,
  connect,
  DeliverPolicy,
  DiscardPolicy,
  ErrorCode,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type MsgHdrs,
  type NatsConnection,
  NatsError,
  nanos,
  headers as natsHeaders,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from 'nats';
import type { ControlReply, ControlRequest, RuntimeReport } from '../../crds/runtime-config/index.ts';
import { addOrUpdateStream, apiErrorCode } from './add-stream.ts';
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
import { OpenedOnce } from './opened-once.ts';
import { ConsumerGoneError, StandingPull } from './standing-pull.ts';
import {
  type BotAddress,
  type BotSubjects,
  botSubjects,
  consumerName,
  type EventKind,
  eventKinds,
  symbolToken,
} from './subjects.ts';
import { extractTrace, injectTrace } from './trace.ts';

const DAY_MS = 86_400_000;

/** Retention per event kind (docs/messaging.md says why). */
export const streamLimits: Readonly<Record<EventKind, { maxAgeMs: number; maxMessages: number }>> = {
  signals: { maxAgeMs: 1 * DAY_MS, maxMessages: 1_000_000 },
  orders: { maxAgeMs: 30 * DAY_MS, maxMessages: 10_000_000 },
  fills: { maxAgeMs: 30 * DAY_MS, maxMessages: 10_000_000 },
  positions: { maxAgeMs: 7 * DAY_MS, maxMessages: 1_000_000 },
};

export const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;
const DEFAULT_ACK_WAIT_MS = 30_000;
/** Messages a standing pull asks for at once: enough for a burst of signals, within maxAckPending. */
const MAX_PULL_BATCH = 64;
// JetStream API error codes (nats-server's errors.json).
const CONSUMER_NAME_EXISTS = 10013;
const CONSUMER_ALREADY_EXISTS = 10148;

export interface NatsBusOptions {
  readonly servers: string | string[];
  readonly address: BotAddress;
  /** Client name shown by the server (`<bot>-<role>`). */
  readonly name?: string;
  readonly duplicateWindowMs?: number;
  readonly defaultAckWaitMs?: number;
  /** Timeout of a JetStream publish (the PubAck) and of an ack's confirmation. */
  readonly requestTimeoutMs?: number;
  readonly replicas?: number;
  readonly propagator?: TextMapPropagator;
  /** A subscriber's handler threw (or a subscription failed); stderr by default. */
  readonly onHandlerError?: (error: unknown) => void;
  /** Extra client options (reconnect policy, TLS, credentials). */
  readonly connection?: Partial<ConnectionOptions>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encode = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
const decode = <T>(data: Uint8Array): T => JSON.parse(decoder.decode(data)) as T;
/** A durable consumer's key in the bus's maps of consumers and pulls. */
/** The one key of the bus's streams in their `OpenedOnce`: all of them are made together. */
const STREAMS = 'streams';
const consumerKey = (kind: EventKind, spec: ConsumerSpec): string => `${kind}/${consumerName(spec.name)}`;

export class NatsBus implements Bus {
  readonly connection: NatsConnection;
  readonly subjects: BotSubjects;
  readonly #jsm: JetStreamManager;
  readonly #js: JetStreamClient;
  readonly #options: NatsBusOptions;
  readonly #consumers = new OpenedOnce<Consumer>();
  readonly #pulls = new OpenedOnce<StandingPull>();
  /** The streams made or brought up to date, under one key: `STREAMS`. */
  readonly #streams = new OpenedOnce<void>();

  private constructor(nc: NatsConnection, jsm: JetStreamManager, options: NatsBusOptions) {
    this.connection = nc;
    this.#jsm = jsm;
    this.#js = nc.jetstream({ timeout: options.requestTimeoutMs ?? 5000 });
    this.#options = options;
    this.subjects = botSubjects(options.address);
  }

  /** Connects (retrying reconnects forever) and ensures the bot's streams. */
  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const subjects = botSubjects(options.address);
    const nc = await connect({
      servers: options.servers,
      name: options.name ?? `${options.address.bot}-runtime`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      ...options.connection,
    });
    try {
      const jsm = await nc.jetstreamManager({ timeout: options.requestTimeoutMs ?? 5000 });
      const bus = new NatsBus(nc, jsm, options);
      await bus.ensureStreams();
      return bus;
    } catch (error) {
      await nc.close();
      throw new Error(
        `cannot set up the JetStream streams of ${subjects.prefix}: ${(error as Error).message}`,
      );
    }
  }

  /** Creates each stream, or brings its limits up to date; safe to call from every role at once. */
  ensureStreams(): Promise<void> {
    return this.#streams.get(STREAMS, async () => {
      for (const kind of eventKinds) await this.#ensureStream(kind);
    });
  }

  streamConfig(kind: EventKind): Partial<StreamConfig> & { name: string } {
    const limits = streamLimits[kind];
    return {
      name: this.subjects.stream(kind),
      subjects: [this.subjects.event(kind)],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(limits.maxAgeMs),
      max_msgs: limits.maxMessages,
      duplicate_window: nanos(this.#options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS),
      num_replicas: this.#options.replicas ?? 1,
    };
  }

  #ensureStream(kind: EventKind): Promise<void> {
    return addOrUpdateStream(this.#jsm.streams, this.streamConfig(kind));
  }

  /** The consumer's standing pull (standing-pull.ts), opened on its first fetch. */
  #pull(kind: EventKind, spec: ConsumerSpec): Promise<StandingPull> {
    return this.#pulls.get(consumerKey(kind, spec), async () => {
      const consumer = await this.#consumer(kind, spec);
      return new StandingPull(consumer, {
        name: `${this.subjects.stream(kind)}/${spec.name}`,
        maxMessages: Math.min(spec.maxAckPending ?? 1, MAX_PULL_BATCH),
      });
    });
  }

  /** Forgets a consumer the server lost, its pull and the streams, so the next use makes them again. */
  #forget(kind: EventKind, spec: ConsumerSpec): void {
    const key = consumerKey(kind, spec);
    this.#pulls.forget(key);
    this.#consumers.forget(key);
    this.#streams.forget(STREAMS);
  }

  #consumer(kind: EventKind, spec: ConsumerSpec): Promise<Consumer> {
    return this.#consumers.get(consumerKey(kind, spec), () => this.#ensureConsumer(kind, spec));
  }

  async #ensureConsumer(kind: EventKind, spec: ConsumerSpec): Promise<Consumer> {
    await this.ensureStreams();
    const stream = this.subjects.stream(kind);
    const config = {
      durable_name: spec.name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(spec.ackWaitMs ?? this.#options.defaultAckWaitMs ?? DEFAULT_ACK_WAIT_MS),
      max_ack_pending: spec.maxAckPending ?? 1,
      max_deliver: -1,
      filter_subject: this.subjects.event(kind),
    };
    try {
      await this.#jsm.consumers.add(stream, config);
    } catch (error) {
      const code = apiErrorCode(error);
      if (code !== CONSUMER_NAME_EXISTS && code !== CONSUMER_ALREADY_EXISTS) throw error;
      await this.#jsm.consumers.update(stream, spec.name, {
        ack_wait: config.ack_wait,
        max_ack_pending: config.max_ack_pending,
      });
    }
    return this.#js.consumers.get(stream, spec.name);
  }

  #headers(options: PublishOptions | undefined): MsgHdrs {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(injectTrace(options?.context, this.#options.propagator))) h.set(k, v);
    return h;
  }

  #context(h: MsgHdrs | undefined): { context: Context; traceparent: string | undefined } {
    const carrier: Record<string, string> = {};
    if (h) for (const k of h.keys()) carrier[k.toLowerCase()] = h.get(k);
    return { context: extractTrace(carrier, this.#options.propagator), traceparent: carrier.traceparent };
  }

  publishMarketData(message: MarketDataMessage, options?: PublishOptions): void {
    this.connection.publish(this.subjects.marketData(message.symbol, message.timeframe), encode(message), {
      headers: this.#headers(options),
    });
  }

  async subscribeMarketData(
    filter: { readonly symbol?: string; readonly timeframe?: string },
    handler: (message: MarketDataMessage, context: Context) => void,
  ): Promise<Subscription> {
    const symbol = filter.symbol === undefined ? '*' : symbolToken(filter.symbol);
    const subject = `${this.subjects.prefix}.md.${symbol}.${filter.timeframe ?? '*'}`;
    const sub = this.connection.subscribe(subject, {
      callback: (error, msg) => {
        if (error) return this.#handlerError(error);
        try {
          handler(decode<MarketDataMessage>(msg.data), this.#context(msg.headers).context);
        } catch (e) {
          this.#handlerError(e);
        }
      },
    });
    await this.connection.flush();
    return { unsubscribe: async () => sub.unsubscribe() };
  }

  async publishEvent<T>(
    kind: EventKind,
    id: string,
    payload: T,
    options?: PublishOptions,
  ): Promise<PublishAck> {
    if (!id) throw new Error('a durable event needs a message id');
    try {
      const ack = await this.#js.publish(this.subjects.event(kind), encode(payload), {
        msgID: id,
        headers: this.#headers(options),
        timeout: this.#options.requestTimeoutMs ?? 5000,
      });
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      // No stream took the subject (a JetStream that lost its state): make the streams again, so the
      // caller's retry (publishDurably) is stored. The id de-duplicates a publish that did land.
      if (error instanceof NatsError && error.code === ErrorCode.NoResponders) {
        this.#streams.forget(STREAMS);
        await this.ensureStreams().catch(() => undefined);
      }
      throw error;
    }
  }

  async fetchEvents<T = unknown>(
    kind: EventKind,
    spec: ConsumerSpec,
    max: number,
    waitMs: number,
  ): Promise<Delivery<T>[]> {
    let pulled: JsMsg[];
    try {
      pulled = await (await this.#pull(kind, spec)).take(max, waitMs);
    } catch (error) {
      // The server lost the consumer (or its stream): the next fetch makes them again. The stream's
      // messages come again from its start, and the handlers' idempotence absorbs what was done.
      if (error instanceof ConsumerGoneError) this.#forget(kind, spec);
      throw error;
    }
    const out: Delivery<T>[] = [];
    // A second copy of a message already in this batch (NATS 2.9 can race a redelivery against an
    // expiring pull request) is left out, so the batch stays in stream order; acking the first
    // settles both.
    for (const m of pulled)
      if (out.length === 0 || m.seq > out.at(-1)!.seq) out.push(this.#delivery<T>(kind, m));
    return out;
  }

  #delivery<T>(kind: EventKind, m: JsMsg): Delivery<T> {
    const { context, traceparent } = this.#context(m.headers);
    const timeout = this.#options.requestTimeoutMs ?? 5000;
    return {
      kind,
      id: m.headers?.get('Nats-Msg-Id') ?? '',
      seq: m.seq,
      payload: decode<T>(m.data),
      deliveryCount: m.info.redeliveryCount,
      context,
      traceparent,
      ack: async () => {
        if (!(await m.ackAck({ timeout }))) throw new Error(`ack of ${kind} seq ${m.seq} not confirmed`);
      },
      nak: (delayMs) => m.nak(delayMs),
    };
  }

  async unacknowledged(kind: EventKind, spec: ConsumerSpec): Promise<number> {
    await this.#consumer(kind, spec);
    const info = await this.#jsm.consumers.info(this.subjects.stream(kind), spec.name);
    return info.num_pending + info.num_ack_pending;
  }

  async request(request: ControlRequest, timeoutMs: number, options?: PublishOptions): Promise<ControlReply> {
    const reply = await this.connection.request(this.subjects.control, encode(request), {
      timeout: timeoutMs,
      headers: this.#headers(options),
    });
    return decode<ControlReply>(reply.data);
  }

  async serveControl(handler: (delivery: ControlDelivery) => Promise<ControlReply>): Promise<Subscription> {
    // A queue group: during a rollout two executors may overlap, and a command must run once.
    const sub = this.connection.subscribe(this.subjects.control, {
      queue: 'executor',
      callback: (error, msg) => {
        if (error) return;
        let request: ControlRequest;
        try {
          request = decode<ControlRequest>(msg.data);
        } catch {
          msg.respond(encode({ ok: false, message: 'the request is not JSON' } satisfies ControlReply));
          return;
        }
        handler({ request, context: this.#context(msg.headers).context }).then(
          (reply) => msg.respond(encode(reply)),
          (e: unknown) =>
            msg.respond(encode({ ok: false, message: (e as Error).message } satisfies ControlReply)),
        );
      },
    });
    await this.connection.flush();
    return { unsubscribe: async () => sub.unsubscribe() };
  }

  #handlerError(error: unknown): void {
    (this.#options.onHandlerError ?? defaultHandlerError)(error);
  }

  publishStatus(report: RuntimeReport, options?: PublishOptions): void {
    this.connection.publish(this.subjects.status, encode(report), { headers: this.#headers(options) });
  }

  async subscribeStatus(handler: (report: RuntimeReport) => void): Promise<Subscription> {
    const sub = this.connection.subscribe(this.subjects.status, {
      callback: (error, msg) => {
        if (error) return this.#handlerError(error);
        try {
          handler(decode<RuntimeReport>(msg.data));
        } catch (e) {
          this.#handlerError(e);
        }
      },
    });
    await this.connection.flush();
    return { unsubscribe: async () => sub.unsubscribe() };
  }

  async close(): Promise<void> {
    if (this.connection.isClosed()) return;
    // What the standing pulls hold goes back to the server before the connection drains.
    for (const pull of this.#pulls.values()) await (await pull.catch(() => undefined))?.close();
    await this.connection.drain().catch(() => this.connection.close());
  }
}

function defaultHandlerError(error: unknown): void {
  console.error('botcore bus: a subscriber failed:', error);
}
