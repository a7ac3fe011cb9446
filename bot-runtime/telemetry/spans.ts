// The spans of a candle's way to a fill, their names and attributes, in one
// place (docs/observability.md lists them). Everything goes through the
// OpenTelemetry API. With no SDK started every span would be a no-op; the
// helpers then make none (`tracing()`), which is a few µs of every candle's
// way in one process, and pass the context they were given on unchanged.
import {
  type Attributes,
  ProxyTracerProvider,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';

export const TRACER_NAME = 'botcore.pipeline';

export const SPAN_NAMES = {
  /** The feed publishes a closed candle (the root of the trace). */
  candlePublish: 'candle publish',
  /** A strategy worker receives the candle and computes its signal. */
  strategyEvaluate: 'strategy evaluate',
  /** The worker publishes the signal on JetStream (ends at the PubAck). */
  signalPublish: 'signal publish',
  /** The executor books the fills of working orders the candle reached, as it arrives (before its signals). */
  executorMatch: 'executor match',
  /** The executor steps the kernel with the candle and its signals: ensemble, risk checks, sizing. */
  executorDecide: 'executor decide',
  /** An order the decision made, handed to the venue and recorded in the ledger. */
  orderPlace: 'order place',
  /** A fill of that order, booked in the ledger and the positions. */
  fillRecord: 'fill record',
} as const;

let tracer: { readonly of: TracerProvider; readonly tracer: Tracer } | undefined;

/**
 * The pipeline's tracer, made once per global provider (`trace.getTracer` makes
 * a new proxy each call). The API's proxy follows an SDK registered later, and
 * `trace.disable()` installs a new provider, so the cache cannot go stale.
 */
export function pipelineTracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (tracer?.of !== provider) tracer = { of: provider, tracer: provider.getTracer(TRACER_NAME) };
  return tracer.tracer;
}

/**
 * Whether spans are made at all: an SDK is registered (it may still sample a
 * trace out, which its spans' `isRecording()` says). Without one, a span would
 * be the API's non-recording span carrying its parent's context, so a caller
 * that skips it and passes the parent context on propagates the same trace.
 */
export function tracing(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer(TRACER_NAME) !== undefined;
}

export const ATTR = {
  symbol: 'botcore.symbol',
  timeframe: 'botcore.timeframe',
  candleTime: 'botcore.candle.open_time',
  strategy: 'botcore.strategy',
  signal: 'botcore.signal',
  ready: 'botcore.strategy.ready',
  messageId: 'messaging.message.id',
  messagingSystem: 'messaging.system',
  orders: 'botcore.orders',
  fills: 'botcore.fills',
  denials: 'botcore.risk.denials',
  replaying: 'botcore.replaying',
  orderId: 'botcore.order.id',
  side: 'botcore.order.side',
  orderType: 'botcore.order.type',
  quantity: 'botcore.order.quantity',
  price: 'botcore.order.price',
  strategies: 'botcore.order.strategies',
  fillId: 'botcore.fill.id',
  fillPrice: 'botcore.fill.price',
  fillQuantity: 'botcore.fill.quantity',
  liquidity: 'botcore.fill.liquidity',
  duplicate: 'botcore.fill.duplicate',
} as const;

export function candleAttributes(symbol: string, timeframe: string, openTime: number): Attributes {
  return { [ATTR.symbol]: symbol, [ATTR.timeframe]: timeframe, [ATTR.candleTime]: openTime };
}
