// The spans of a candle's way to a fill, their names and attributes, in one
// place (docs/observability.md lists them). Everything goes through the
// OpenTelemetry API: with no SDK started every call is a cheap no-op.
import { type Attributes, type Tracer, trace } from '@opentelemetry/api';

export const TRACER_NAME = 'botcore.pipeline';

export const SPAN_NAMES = {
  /** The feed publishes a closed candle (the root of the trace). */
  candlePublish: 'candle publish',
  /** A strategy worker receives the candle and computes its signal. */
  strategyEvaluate: 'strategy evaluate',
  /** The worker publishes the signal on JetStream (ends at the PubAck). */
  signalPublish: 'signal publish',
  /** The executor steps the kernel with the candle and its signals: ensemble, risk checks, sizing. */
  executorDecide: 'executor decide',
  /** An order the decision made, handed to the venue and recorded in the ledger. */
  orderPlace: 'order place',
  /** A fill of that order, booked in the ledger and the positions. */
  fillRecord: 'fill record',
} as const;

export function pipelineTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
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
