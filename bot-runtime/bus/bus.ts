// The runtime's messaging port. Two adapters implement it with the same
// semantics: NATS with JetStream between pods (nats-bus.ts), and an in-process
// bus for `botcore run` (in-process-bus.ts). docs/messaging.md has the design.
import type { Context } from '@opentelemetry/api';
import type { ControlReply, ControlRequest, RuntimeReport } from '../../crds/runtime-config/index.ts';
import type { Candle } from '../market-data/candle.ts';
import type { EventKind } from './subjects.ts';

/** One candle of one market on the fan-out (core NATS: at most once, no replay). */
export interface MarketDataMessage {
  readonly symbol: string;
  readonly timeframe: string;
  readonly candle: Candle;
}

export interface PublishOptions {
  /** Trace context to carry as `traceparent`; the active context by default. */
  readonly context?: Context;
}

export interface PublishAck {
  /** Position in the stream (1-based); a duplicate reports the original's. */
  readonly seq: number;
  /** True when a message with this id was already in the de-dup window, so nothing was stored. */
  readonly duplicate: boolean;
}

/** A durable consumer: its name and how it wants deliveries. */
export interface ConsumerSpec {
  /** Durable name, `<role>-<purpose>` (the consumer survives restarts under it). */
  readonly name: string;
  /** A delivery not acknowledged within this is delivered again. */
  readonly ackWaitMs?: number;
  /**
   * Deliveries outstanding at once. 1 (the default) keeps a consumer strictly
   * in stream order even across redeliveries, which fills and positions need.
   */
  readonly maxAckPending?: number;
}

export interface Delivery<T = unknown> {
  readonly kind: EventKind;
  /** The message id the publisher gave (the de-dup key). */
  readonly id: string;
  /** Stream sequence. */
  readonly seq: number;
  readonly payload: T;
  /** 1 on first delivery. */
  readonly deliveryCount: number;
  /** The publisher's trace context (extracted from `traceparent`); start child spans from it. */
  readonly context: Context;
  readonly traceparent: string | undefined;
  /** Acknowledges; resolves once the bus has recorded it. */
  ack(): Promise<void>;
  /** Asks for redelivery, after `delayMs`. */
  nak(delayMs?: number): void;
}

export interface Subscription {
  unsubscribe(): Promise<void>;
}

export interface ControlDelivery {
  readonly request: ControlRequest;
  readonly context: Context;
}

export interface Bus {
  publishMarketData(message: MarketDataMessage, options?: PublishOptions): void;
  /** Candles of one symbol and timeframe, or all of the bot's when omitted. */
  subscribeMarketData(
    filter: { readonly symbol?: string; readonly timeframe?: string },
    handler: (message: MarketDataMessage, context: Context) => void,
  ): Promise<Subscription>;

  /** Stores a durable event once per `id` (within the de-dup window); resolves when it is stored. */
  publishEvent<T>(kind: EventKind, id: string, payload: T, options?: PublishOptions): Promise<PublishAck>;
  /** Up to `max` deliveries for the durable consumer, waiting up to `waitMs` for the first. */
  fetchEvents<T = unknown>(
    kind: EventKind,
    consumer: ConsumerSpec,
    max: number,
    waitMs: number,
  ): Promise<Delivery<T>[]>;
  /** Messages the consumer has not acknowledged yet: undelivered plus delivered-but-unacked. */
  unacknowledged(kind: EventKind, consumer: ConsumerSpec): Promise<number>;

  /** Sends a control command to the executor and waits for its reply. */
  request(request: ControlRequest, timeoutMs: number, options?: PublishOptions): Promise<ControlReply>;
  /** The executor answers control commands (halt-and-flatten, apply-risk-policy). */
  serveControl(handler: (delivery: ControlDelivery) => Promise<ControlReply>): Promise<Subscription>;

  publishStatus(report: RuntimeReport, options?: PublishOptions): void;
  subscribeStatus(handler: (report: RuntimeReport) => void): Promise<Subscription>;

  close(): Promise<void>;
}
