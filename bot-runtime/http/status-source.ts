// The boundary between the status endpoint and whatever owns the bot's state
// (the executor in a pod, the in-memory source in `botcore run` and tests).
// Everything crossing it is already in wire form: money, prices and
// quantities as decimal strings, times as RFC 3339 strings or epoch ms.
// Methods may answer synchronously or with a promise.
import type { SpanContext } from '@opentelemetry/api';
import type { RiskStatus, StrategyStatus, TradingBotStatus } from '../../crds/index.ts';

/** The bot this endpoint serves: a token must be scoped to it. */
export interface BotRef {
  readonly namespace: string;
  readonly name: string;
}

export type BotPhase = NonNullable<TradingBotStatus['phase']>;
export type RiskState = NonNullable<RiskStatus['state']>;

export interface RiskView {
  readonly state: RiskState;
  readonly reason?: string;
  /** RFC 3339: when the state ends by itself. */
  readonly until?: string;
  /** Today's loss in percent of the day's starting equity, a decimal string. */
  readonly dailyLossPercent?: string;
}

export interface BotStatusView {
  readonly bot: BotRef;
  readonly mode: 'paper' | 'live';
  readonly phase: BotPhase;
  /** Currency of every money figure. */
  readonly currency: string;
  readonly equity: string;
  readonly pnlToday: string;
  readonly pnlTotal: string;
  readonly openPositions: number;
  readonly tradesToday: number;
  readonly risk: RiskView;
  readonly strategies: StrategyStatus[];
  /** RFC 3339: when the figures last changed. */
  readonly lastUpdateTime: string;
}

export interface PositionView {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  /** Size in the base asset, a decimal string without sign. */
  readonly quantity: string;
  readonly entryPrice: string;
  readonly markPrice?: string;
  readonly unrealizedPnl?: string;
  readonly realizedPnl?: string;
}

export interface TradeView {
  /** The venue's trade id. */
  readonly id: string;
  readonly orderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: string;
  readonly price: string;
  readonly fee: string;
  readonly feeCurrency: string;
  readonly liquidity: 'maker' | 'taker';
  /** RFC 3339. */
  readonly time: string;
  /** Realised PnL this trade booked, when it closed or reduced a position. */
  readonly realizedPnl?: string;
}

export interface TradesQuery {
  /** Opaque, from an earlier page's `nextCursor`; absent: the newest trades. */
  readonly cursor?: string;
  readonly limit: number;
}

export interface TradesPage {
  /** Newest first. */
  readonly items: TradeView[];
  /** Present when older trades remain. */
  readonly nextCursor?: string;
}

export interface EquityPointView {
  /** Epoch milliseconds. */
  readonly t: number;
  readonly equity: string;
}

export interface EquityQuery {
  /** Epoch ms, inclusive; absent: from the first point. */
  readonly from?: number;
  /** Epoch ms, inclusive; absent: up to the last point. */
  readonly to?: number;
  /** Bucket width in ms (the last point of each bucket is kept); absent: every point. */
  readonly step?: number;
  /** Most points to answer; the source widens the step to stay under it. */
  readonly maxPoints: number;
}

export interface EquitySeries {
  readonly currency: string;
  /** The bucket width actually used, in ms; 0 when every point is returned. */
  readonly step: number;
  readonly points: EquityPointView[];
}

export interface DependencyHealth {
  /** e.g. `nats`, `mongodb`, `redis`, `exchange`, `market-data`. */
  readonly name: string;
  readonly ok: boolean;
  /** Whether readiness waits for it. */
  readonly required: boolean;
  /** Operator-facing detail; logged and exported in traces, never served on the public probes. */
  readonly detail?: string;
}

export interface SourceHealth {
  /** The bot has loaded its state and can answer the API. */
  readonly ready: boolean;
  readonly dependencies: DependencyHealth[];
}

/** A live update. `trace` links the update to the span that caused it (candle to fill to trader). */
export type StatusEvent =
  | { readonly type: 'status'; readonly status: BotStatusView; readonly trace?: SpanContext }
  | { readonly type: 'positions'; readonly positions: PositionView[]; readonly trace?: SpanContext }
  | { readonly type: 'trade'; readonly trade: TradeView; readonly trace?: SpanContext }
  | { readonly type: 'equity'; readonly point: EquityPointView; readonly trace?: SpanContext };

export type StatusListener = (event: StatusEvent) => void;
export type Unsubscribe = () => void;

type Answer<T> = T | Promise<T>;

export interface BotStatusSource {
  readonly bot: BotRef;
  status(): Answer<BotStatusView>;
  positions(): Answer<PositionView[]>;
  /** Throws InvalidCursorError for a cursor it did not issue. */
  trades(query: TradesQuery): Answer<TradesPage>;
  equity(query: EquityQuery): Answer<EquitySeries>;
  /** Listeners are called synchronously, in order; a throwing listener does not stop the others. */
  subscribe(listener: StatusListener): Unsubscribe;
  health(): Answer<SourceHealth>;
}

/** A trades cursor that this source did not issue (or no longer understands). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('the cursor is not one this endpoint issued');
  }
}
