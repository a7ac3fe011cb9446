// The trading kernel: data -> strategies -> ensemble -> risk -> venue ->
// portfolio, for one bot. Backtest, replay-paper and (later) live build the
// same kernel and differ only in the clock, the data source that calls `step`
// and the venue. `step` is the hot path: it takes one closed candle as plain
// numbers, allocates nothing, and touches decimals only when an order is
// created or filled.
//
// The bot trades spot, long only: a buy signal opens a position when flat, a
// sell signal closes it; every position carries a protective stop-loss at the
// venue (RiskPolicy stopLossPercent below the entry).
import type { RiskPolicySpec, TradingBotSpec } from '../../crds/index.ts';
import { CountedFill } from '../domain/counted-fill.ts';
import { decimalOfScaledUnits, unitsOfDecimal } from '../domain/exact-amount.ts';
import {
  createSubmittedOrder,
  type Decimal,
  DomainError,
  dec,
  type Fill,
  type Instrument,
  type Order,
  Portfolio,
  type Position,
  type PositionSeed,
  toFloat,
  ZERO,
} from '../domain/index.ts';
import { doubleList, objectList } from '../domain/lists.ts';
import { OrderProgress } from '../domain/order-progress.ts';
import { decimalOfUnits, pow10, unitsOf } from '../domain/units.ts';
import type { CandleColumns } from '../market-data/index.ts';
import {
  DEFAULT_RISK_POLICY,
  deny,
  floorQuantity,
  RiskCode,
  type RiskContext,
  RiskEngine,
  RollingReturns,
  type SizingInput,
  sizePosition,
} from '../risk/index.ts';
import {
  type OpeningSizing,
  openingLotsFromCash,
  openingSizing,
  sizeOpeningLots,
} from '../risk/sizing-counts.ts';
import type { RiskSnapshot } from '../risk/snapshot.ts';
import { createStrategy, Ensemble, ensembleFor, type Strategy, strategiesFor } from '../strategies/index.ts';
import { Grid } from '../venue/grid.ts';
import type { Venue, VenueEvent } from '../venue/venue.ts';
import type { Clock } from './clock.ts';
import { FillLog } from './fill-log.ts';
import { type ExitReason, OpenTrade, type TradeRecord } from './open-trade.ts';
import { OrderLog, type OrderRecord } from './order-log.ts';
import { GrowableSeries } from './series.ts';
import { type StopFactor, stopFactor, stopPrice, stopTicks } from './stop-price.ts';
import { TradeLog } from './trade-log.ts';

export type { ExitReason, OrderRecord, TradeRecord };

export interface Market {
  readonly symbol: string;
  readonly instrument: Instrument;
}

export interface KernelOptions {
  /** The TradingBot spec with its defaults applied (crds/validation does that). */
  readonly bot: TradingBotSpec;
  readonly policy?: RiskPolicySpec;
  readonly markets: readonly Market[];
  readonly timeframeMs: number;
  readonly venue: Venue;
  readonly clock: Clock;
  /** Starting cash in the instruments' quote currency; `bot.capital.amount` by default. */
  readonly cash?: Decimal;
  /** Candles before this open time only warm the strategies up (no orders, no equity points). */
  readonly tradeFrom?: number;
  /** Candles of rolling returns for the correlation limit (default 100). */
  readonly correlationWindow?: number;
  /** Correlation at or above which symbols count as one direction (default 0.7). */
  readonly correlationThreshold?: number;
  /** A working limit order is canceled after this many candles (default 3). */
  readonly limitOrderTtlCandles?: number;
  /**
   * Builds the strategies of symbol `k` instead of the registry (benchmarks
   * compare indicator implementations with everything else equal). One per
   * entry of bot.strategies that trades the symbol, in the same order.
   */
  readonly strategyFactory?: (symbol: string, k: number) => Strategy[];
  /** Equity points to make room for up front (the candles of the longest market), so the curve never regrows. */
  readonly expectedPoints?: number;
  /**
   * The portfolio to start from instead of all cash: an executor restarted on a
   * live feed, whose candles before the crash are not delivered again. `cash`
   * is the cash held now (`cash` above, or the capital, stays the run's initial
   * cash: net PnL and the allocation cap are measured from it). Quantities are
   * signed like a Position's; the bot trades long only, so they must not be
   * negative (zero: no position). Each open position gets its protective stop
   * from its average price, counts for the risk checks (open positions, size,
   * exposure) and is an open trade whose close books its PnL (with its
   * `trades` seed, the PnL of the whole round trip, fees included; without,
   * from the average price and only the fees paid after the restart).
   */
  readonly startingPortfolio?: StartingPortfolio;
  /** What the risk engine remembered before a restart (risk/restore.ts): its limits go on where they were. */
  readonly startingRisk?: RiskSnapshot;
}

export interface StartingPortfolio {
  readonly cash: Decimal;
  readonly positions: readonly PositionSeed[];
  /** The open positions' round trips so far (recovery/round-trips.ts), by symbol. */
  readonly trades?: readonly TradeSeed[];
}

/** An open round trip before a restart: its sums so far, so its close books what a run that never stopped would. */
export interface TradeSeed {
  readonly symbol: string;
  readonly entryTime: number;
  readonly bought: Decimal;
  readonly cost: Decimal;
  readonly sold: Decimal;
  readonly proceeds: Decimal;
  readonly fees: Decimal;
  readonly exitReason: ExitReason;
}

/** Fills are kept as the venue reported them (decimals); reports format them. */
export type FillRecord = Fill;

/** #events' placeholder. */
const NO_EVENT: VenueEvent = { type: 'OrderCanceled', orderId: '', ts: 0 };

/** A venue event that carries a fill. */
type FillEvent = Extract<VenueEvent, { type: 'OrderFilled' | 'StopFilled' }>;

/** The event as a CountedFill on the symbol's grids, booked from its counts; undefined: booked from its Fill. */
function countedOn(e: FillEvent, grid: Grid): CountedFill | undefined {
  return e instanceof CountedFill && e.lotDp === grid.lotPlaces && e.tickDp === grid.tickPlaces
    ? e
    : undefined;
}

/** A fill's quantity in lots and price in ticks of the grid (NaN where the grid's places are not counts). */
function plainCounts(fill: Fill, grid: Grid): { lots: number; ticks: number } {
  const { lotPlaces, tickPlaces } = grid;
  const counted = tickPlaces !== undefined && lotPlaces !== undefined && tickPlaces <= 22 && lotPlaces <= 22;
  return {
    lots: counted ? unitsOf(fill.quantity, lotPlaces) : Number.NaN,
    ticks: counted ? grid.ticksOf(fill.price) : Number.NaN,
  };
}

/**
 * A working order: its status as its events arrive (the venue got the Order
 * itself) and what the kernel keeps beside it, in one object per order.
 */
class Live extends OrderProgress {
  /** The order's row in the kernel's OrderLog. */
  readonly row: number;
  readonly strategies: readonly string[];
  readonly k: number;
  readonly entry: boolean;
  readonly submittedAt: number;
  constructor(
    order: Order,
    row: number,
    strategies: readonly string[],
    k: number,
    entry: boolean,
    submittedAt: number,
  ) {
    super(order);
    this.row = row;
    this.strategies = strategies;
    this.k = k;
    this.entry = entry;
    this.submittedAt = submittedAt;
  }
}

/** The risk context of a close: it only reduces, so its equity is made only if a check reads it. */
class CloseContext implements RiskContext {
  readonly now: number;
  readonly #equity: number;
  readonly positions = [];
  readonly correlation: (a: string, b: string) => number;
  constructor(now: number, equity: number, correlation: (a: string, b: string) => number) {
    this.now = now;
    this.#equity = equity;
    this.correlation = correlation;
  }
  get equity(): Decimal {
    return dec(this.#equity);
  }
}

/** The risk context of an entry with nothing held: the equity is the cash, a Decimal made only if a check near its limit reads it. */
class CashContext implements RiskContext {
  readonly now: number;
  readonly equityFloat: number;
  readonly positions = [];
  readonly correlation: (a: string, b: string) => number;
  readonly #portfolio: Portfolio;
  constructor(
    now: number,
    cashF: number,
    portfolio: Portfolio,
    correlation: (a: string, b: string) => number,
  ) {
    this.now = now;
    this.equityFloat = cashF;
    this.#portfolio = portfolio;
    this.correlation = correlation;
  }
  get equity(): Decimal {
    return this.#portfolio.equity({}).amount;
  }
}

/** The risk context of a counted entry: its equity is an exact count, made a Decimal only if a check near its limit reads it. */
class CountedContext implements RiskContext {
  readonly now: number;
  /** For the engine's float guards only (they keep 1e-9 margins): near enough, without the text. */
  readonly equityFloat: number;
  readonly positions: readonly { symbol: string; notional: Decimal }[];
  readonly correlation: (a: string, b: string) => number;
  readonly #units: bigint;
  readonly #scale: number;
  #equity: Decimal | undefined;
  constructor(
    now: number,
    units: bigint,
    scale: number,
    positions: readonly { symbol: string; notional: Decimal }[],
    correlation: (a: string, b: string) => number,
  ) {
    this.now = now;
    this.#units = units;
    this.#scale = scale;
    this.equityFloat = Number(units) / 10 ** scale;
    this.positions = positions;
    this.correlation = correlation;
  }
  get equity(): Decimal {
    this.#equity ??= decimalOfScaledUnits(this.#units, this.#scale);
    return this.#equity;
  }
}

export class Kernel {
  readonly options: KernelOptions;
  readonly symbols: readonly string[];
  readonly instruments: readonly Instrument[];
  readonly #grids: readonly Grid[];
  readonly portfolio: Portfolio;
  readonly risk: RiskEngine;
  readonly equity: GrowableSeries;
  // Lists filled during the run start in their final elements kind (domain/lists.ts): one shape across runs.
  /** The orders, kept as counts (OrderLog) and made into records when `orders` is read. */
  readonly #orderLog: OrderLog;
  readonly #fillLog: FillLog;
  /** The venue's fills are plain Fill literals (Venue.plainFills): the log may keep them as counts. */
  readonly #plainFills: boolean;
  /** The closed trades, kept as counts (TradeLog) and made into records when `trades` is read. */
  readonly #tradeLog: TradeLog;
  /** Strategy instances per symbol, in manifest order. */
  readonly strategies: Strategy[][];
  readonly #tf: number;
  readonly #venue: Venue;
  readonly #clock: Clock;
  readonly #policy: RiskPolicySpec;
  readonly #signals: Float64Array[];
  readonly #bar = new Float64Array(6);
  readonly #ensembles: Ensemble[];
  readonly #single: Strategy[];
  readonly #posF: Float64Array;
  readonly #lastClose: Float64Array;
  readonly #returns: RollingReturns | undefined;
  readonly #entry: (Live | undefined)[];
  readonly #exit: (Live | undefined)[];
  readonly #stop: (Decimal | undefined)[];
  /** The stop as a float (NaN: none), and whether it has triggered with quantity left. */
  readonly #stopF: Float64Array;
  readonly #stopHot: Uint8Array;
  /**
   * Per symbol, what a candle's low must reach for the venue to have work:
   * Infinity while an order works or a stop has triggered (every candle),
   * else the stop (NaN: none, so never). One load a candle instead of four.
   */
  readonly #wake: Float64Array;
  readonly #open: (OpenTrade | undefined)[];
  /** Per symbol, its last closed trade's object while no new trade has taken it (#newTrade). */
  readonly #closedTrade: (OpenTrade | undefined)[];
  /**
   * The venue's events of one #match, after a placeholder at index 0 that is
   * never read: truncating the list to length 1 keeps its store, where length 0
   * would drop it (V8) and the next candle with events would allocate one.
   */
  #events: VenueEvent[] = [NO_EVENT];
  readonly #tradeFrom: number;
  readonly #ttl: number;
  readonly #limit: boolean;
  readonly #limitOffset: Decimal;
  readonly #stopFactor: StopFactor;
  /** The instruments' minimums as counts: lots (NaN: not one) and 10^-40 (undefined: not one). */
  readonly #minLots: number[];
  readonly #minNotional: (bigint | undefined)[];
  /** The same minimums as doubles (NaN: not a count), for openingLotsFromCash. */
  readonly #minNotionalF: number[];
  /** The policy's sizing figures as exact counts (undefined: sized in decimals). */
  readonly #openingSizing: OpeningSizing | undefined;
  /** The policy's sizing figures, for both the count and the decimal sizing of an entry. */
  readonly #sizingPolicy: Omit<SizingInput, 'equity' | 'cash' | 'currentNotional'>;
  readonly #currency: string;
  /**
   * The cash as a double, in a typed array: a double field is a tagged value to
   * the optimizer, and the equity sum that starts from it would then box every
   * step of its loop (16 bytes a candle while a position is open).
   */
  readonly #cashF = new Float64Array(1);
  #t = Number.NaN;
  /** A position resumed without an entry time waits for the first candle traded (see #resumedEntryTimes). */
  #untimedTrades = false;
  /** The candle `step` was given, as a one-row series for #run. */
  readonly #oneCandle: CandleColumns = {
    time: new Float64Array(1),
    open: new Float64Array(1),
    high: new Float64Array(1),
    low: new Float64Array(1),
    close: new Float64Array(1),
    volume: new Float64Array(1),
  };
  /** The candle a private step reads (#hold puts it here). */
  #bt = 0;
  #bo = 0;
  #bh = 0;
  #bl = 0;
  #bc = 0;
  #bv = 0;
  #lastEq = 0;
  #seq = 0;
  #stateVersion = 0;
  #candles = 0;

  constructor(options: KernelOptions) {
    this.options = options;
    this.equity = new GrowableSeries(Math.max(16, (options.expectedPoints ?? 4096) + 1), options.timeframeMs);
    const { bot, markets } = options;
    if (markets.length === 0) throw new RangeError('the kernel needs at least one market');
    this.symbols = markets.map((m) => m.symbol);
    this.instruments = markets.map((m) => m.instrument);
    this.#grids = this.instruments.map((i) => new Grid(i));
    this.#tf = options.timeframeMs;
    this.#venue = options.venue;
    this.#plainFills = options.venue.plainFills === true;
    this.#fillLog = new FillLog(this.symbols);
    this.#tradeLog = new TradeLog(this.instruments.map((i) => i.symbol));
    this.#orderLog = new OrderLog(this.instruments.map((i) => i.symbol));
    this.#clock = options.clock;
    this.#policy = options.policy ?? DEFAULT_RISK_POLICY;
    this.#currency = this.instruments[0]!.quote;
    const cash = options.cash ?? dec(bot.capital.amount);
    const start = options.startingPortfolio;
    for (const p of start?.positions ?? [])
      if (p.quantity.isNegative() && !p.quantity.isZero())
        throw new RangeError(
          `startingPortfolio: ${p.symbol} is short (${p.quantity}); the bot trades long only`,
        );
    this.portfolio = new Portfolio({
      currency: this.#currency,
      cash: start?.cash ?? cash,
      initialCash: cash,
      instruments: this.instruments,
      positions: start?.positions,
    });
    this.#cashF[0] = this.portfolio.amountFloat(this.#currency);
    const allocation = cash.times(dec(bot.capital.maxAllocationPercent ?? '100')).div(100);
    this.risk = new RiskEngine(this.#policy, {
      maxAllocation: allocation,
      correlationThreshold: options.correlationThreshold,
    });
    if (options.startingRisk) this.risk.restore(options.startingRisk);
    this.#stateVersion = this.risk.state.version;

    // Strategies per symbol: a strategy trades the symbols it lists, or all of them.
    this.strategies = this.symbols.map((symbol, k) =>
      options.strategyFactory
        ? options.strategyFactory(symbol, k)
        : strategiesFor(bot, symbol).map(({ spec, index }) => createStrategy(spec, index)),
    );
    this.#ensembles = this.symbols.map((symbol, k) => {
      const count = this.strategies[k]!.length;
      const ensemble = ensembleFor(bot, symbol);
      // A factory that builds other strategies than the manifest's votes with equal weights.
      if (ensemble.weights.length !== Math.max(1, count)) {
        return new Ensemble(bot.combine, new Array(Math.max(1, count)).fill(1));
      }
      return ensemble;
    });
    this.#signals = this.strategies.map((s) => new Float64Array(Math.max(1, s.length)));
    // With one strategy on a symbol its signal is the decision: skip the ensemble.
    this.#single = this.strategies.map((s) => (s.length === 1 ? s[0]! : (undefined as unknown as Strategy)));
    // Made here, not on the first order: a fresh kernel's empty list read out of bounds deoptimized #agreeing.
    this.#soloNames = this.strategies.map((s) => (s.length === 1 ? [s[0]!.name] : undefined));
    const n = this.symbols.length;
    this.#posF = new Float64Array(n);
    this.#lastClose = new Float64Array(n);
    this.#returns = n > 1 ? new RollingReturns(this.symbols, options.correlationWindow ?? 100) : undefined;
    this.#entry = new Array(n).fill(undefined);
    this.#exit = new Array(n).fill(undefined);
    this.#stop = new Array(n).fill(undefined);
    this.#stopF = new Float64Array(n).fill(Number.NaN);
    this.#stopHot = new Uint8Array(n);
    this.#wake = new Float64Array(n).fill(Number.NaN);
    this.#open = new Array(n).fill(undefined);
    this.#closedTrade = new Array(n).fill(undefined);
    this.#tradeFrom = options.tradeFrom ?? Number.NEGATIVE_INFINITY;
    this.#ttl = (options.limitOrderTtlCandles ?? 3) * this.#tf;
    const ex = bot.execution;
    this.#limit = ex.orderType === 'limit';
    this.#limitOffset = dec(ex.limitOffsetBps ?? 0).div(10_000);
    this.#minLots = this.#grids.map((g) =>
      g.lotPlaces === undefined ? Number.NaN : unitsOf(g.instrument.minQuantity, g.lotPlaces),
    );
    this.#minNotional = this.instruments.map((i) => unitsOfDecimal(i.minNotional.amount));
    this.#minNotionalF = this.#minNotional.map((u) => (u === undefined ? Number.NaN : Number(u) / 1e40));
    this.#stopFactor = stopFactor(dec(1).minus(dec(this.#policy.stopLossPercent).div(100)));
    this.#sizingPolicy = {
      riskPerTradePercent: this.#policy.riskPerTradePercent,
      stopLossPercent: this.#policy.stopLossPercent,
      maxPositionSizePercent: this.#policy.maxPositionSizePercent,
      maxPositionNotional: this.#policy.maxPositionNotional,
      maxAllocation: this.risk.options.maxAllocation,
      // Cash an entry needs beyond its notional: the taker fee and the slippage it may pay.
      feeRate: dec(ex.takerFeePercent)
        .div(100)
        .plus(dec(ex.slippageBps + 10).div(10_000)),
    };
    this.#openingSizing = openingSizing(this.#sizingPolicy);
    for (let k = 0; k < n; k++) this.#resume(k);
  }

  /** A position the portfolio starts with: its float mirror, its open trade and its protective stop. */
  #resume(k: number): void {
    const position = this.portfolio.position(this.symbols[k]!);
    if (position.quantity.isZero()) return;
    this.#posF[k] = toFloat(position.quantity);
    // Marked at its average price until the symbol's first candle closes.
    this.#lastClose[k] = toFloat(position.averagePrice);
    const seed = this.options.startingPortfolio?.trades?.find((t) => t.symbol === position.symbol);
    // Without a seed the entry time is unknown: the first candle's open time stands for it (#run sets it).
    const trade = new OpenTrade(
      [],
      seed?.entryTime ?? Number.NaN,
      seed?.bought ?? position.quantity,
      seed?.cost ?? position.quantity.times(position.averagePrice),
    );
    if (seed) {
      trade.sold.plus(seed.sold);
      trade.proceeds.plus(seed.proceeds);
      trade.fees.plus(seed.fees);
      trade.exitReason = seed.exitReason;
    }
    this.#open[k] = trade;
    if (Number.isNaN(trade.entryTime)) this.#untimedTrades = true;
    const stop = stopPrice(this.#grids[k]!, position.averagePrice, this.#stopFactor);
    this.#stop[k] = stop;
    this.#stopF[k] = toFloat(stop);
    this.#venue.protect(k, stop, position.quantity, this.#clock.now());
    this.#rewake(k);
  }

  /** #wake[k] again, after a symbol's working orders, stop or triggered stop changed. */
  #rewake(k: number): void {
    const busy = this.#entry[k] !== undefined || this.#exit[k] !== undefined || this.#stopHot[k] === 1;
    this.#wake[k] = busy ? Number.POSITIVE_INFINITY : this.#stopF[k]!;
  }

  /**
   * Every fill booked, in order. Counted fills are kept as columns (FillLog)
   * and made into Fill objects, equal to the venue's, when this is read; read
   * `fillCount` for their number.
   */
  get fills(): FillRecord[] {
    this.#logFills();
    return this.#fillLog.fills();
  }

  /** Every order submitted, in order, with its status now; the records are made when this is read. */
  get orders(): OrderRecord[] {
    return this.#orderLog.orders();
  }

  /** The number of orders submitted (without making their records). */
  get orderCount(): number {
    return this.#orderLog.length;
  }

  /** Every trade closed, in order; the records are made (equal to what a close makes) when this is read. */
  get trades(): TradeRecord[] {
    return this.#tradeLog.trades();
  }

  get fillCount(): number {
    return this.#fillLog.length + this.#fillsDueCount;
  }

  /** The sum of every fill's fee amount, exactly (without making the fills). */
  fillFees(): Decimal {
    this.#logFills();
    return this.#fillLog.feeTotal();
  }

  /** Candles stepped so far. */
  get candles(): number {
    return this.#candles;
  }

  /** Resets the strategies (their warm-up starts again). */
  onStart(): void {
    for (const list of this.strategies) for (const s of list) s.onStart();
  }

  /**
   * One closed candle of symbol `k` (index into `markets`). Candles must come
   * in open-time order across symbols; `t` is the open time.
   */
  step(k: number, t: number, open: number, high: number, low: number, close: number, volume: number): void {
    const one = this.#oneCandle;
    one.time[0] = t;
    one.open[0] = open;
    one.high[0] = high;
    one.low[0] = low;
    one.close[0] = close;
    one.volume[0] = volume;
    this.#run(k, one, 0, 1);
  }

  /**
   * `step` for candle `i` of a columnar series: what the backtest runner calls
   * for several markets merged by time. Passing an index instead of six
   * doubles keeps V8 from boxing them when the call is not inlined (one
   * allocation per double per candle).
   */
  stepAt(k: number, s: CandleColumns, i: number): void {
    this.#run(k, s, i, i + 1);
  }

  /**
   * `step` for candles `from` to `end - 1` of a columnar series, all of symbol
   * `k`, in order: what the backtest runner calls for one market. One call
   * for many candles lets the loop keep what every candle reads in locals.
   */
  stepRange(k: number, s: CandleColumns, from: number, end: number): void {
    this.#run(k, s, from, end);
  }

  /**
   * The first part of `step`, for a candle whose signals are not all in yet:
   * the venue matches symbol `k`'s working orders and stop against the candle
   * and their fills are booked in the portfolio, as a venue fills resting
   * orders when the market trades, not when the strategies have read the
   * candle. `step` with the same candle then does the rest (the orders' states,
   * the open trade, the protective stop and a round trip's close for each
   * fill; then risk, signals, decisions) and does not match it again: the two
   * calls do exactly what one `step` does. Call it only once
   * every earlier candle has been stepped. False, and nothing done, for a
   * warm-up candle, or while a candle matched early waits for its step (that
   * one again, or any later one: matching it before the earlier candle's
   * decisions could miss an order they place).
   */
  matchEarly(
    k: number,
    t: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): boolean {
    if (t < this.#tradeFrom || this.#matchedK !== -1) return false;
    this.#matchOnly = true;
    try {
      this.step(k, t, open, high, low, close, volume);
    } finally {
      this.#matchOnly = false;
    }
    this.#matchedK = k;
    this.#matchedT = t;
    return true;
  }

  /** The symbol and open time of the candle `matchEarly` matched and `step` has not reached yet (-1: none). */
  #matchedK = -1;
  #matchedT = Number.NaN;
  /** Set while matchEarly runs the step up to the venue's fills. */
  #matchOnly = false;
  /**
   * The venue's events of the match that waits for its step (#events' layout,
   * the two lists swap), and the symbol it matched. Their fills are in the
   * portfolio; the rest of each event (the order's state, the open trade, the
   * protective stop, a round trip's close) is the step's (#finishMatch).
   */
  #dueEvents: VenueEvent[] = [NO_EVENT];
  #dueK = -1;
  /**
   * Per fill of that match, what the portfolio held just after it, for the
   * rest of its booking: the position's lot count and its stop's tick count
   * (#lotsNow, #stopTicksNow), and the decimals read where a count is missing
   * (#positionNow, #averageNow). The lists keep their store.
   */
  readonly #dueLots: number[] = doubleList();
  readonly #dueStopTicks: number[] = doubleList();
  readonly #duePosition: (Position | undefined)[] = objectList();
  readonly #dueAverage: (Decimal | undefined)[] = objectList();
  #dueFills = 0;
  /**
   * What #bookPortfolio leaves for the rest of #book: the position's lots
   * after the fill (NaN: not a count, then #positionNow), and after a buy the
   * stop's ticks under the average entry (NaN: not a count, then #averageNow).
   */
  #lotsNow = Number.NaN;
  #stopTicksNow = Number.NaN;
  #positionNow: Position | undefined;
  #averageNow: Decimal | undefined;
  /** While #finishMatch applies the waiting events: the index of the fill #book takes from the lists (-1: none). */
  #dueFill = -1;
  /** matchEarly's fills moved the cash: the step takes its double again. */
  #cashDue = false;
  /** Counted fills matchEarly booked that the fill log has not taken yet, with their symbols (the lists keep their store). */
  readonly #fillsDue: (CountedFill | undefined)[] = objectList();
  readonly #fillsDueK: number[] = doubleList();
  #fillsDueCount = 0;

  /**
   * The kernel's one per-candle path (step, stepAt and stepRange all run it):
   * candles `from` to `end - 1` of `s`, all of symbol `k`. What every candle
   * reads stays in locals for the whole loop; a candle with work beyond the
   * equity, the risk band and the strategy's signal (a warm-up, a match, a
   * decision) is put in the #b fields first (#hold), where the private steps
   * read it.
   */
  #run(k: number, s: CandleColumns, from: number, end: number): void {
    const { time, low: lows, close: closes } = s;
    const tf = this.#tf;
    const tradeFrom = this.#tradeFrom;
    const curve = this.equity;
    const risk = this.risk;
    const wakes = this.#wake;
    const lastClose = this.#lastClose;
    const returns = this.#returns;
    const one = this.#single[k];
    for (let i = from; i < end; i++) {
      const t = time[i]!;
      const low = lows[i]!;
      const close = closes[i]!;
      if (t < tradeFrom) {
        // Warm-up only: strategies see the candle, nothing trades.
        this.#hold(s, i);
        this.#candles++;
        this.#signal(k);
        lastClose[k] = close;
        returns?.push(k, close);
        continue;
      }
      const now = t + tf;
      if (this.#matchedK !== k || this.#matchedT !== t) {
        if (t !== this.#t) {
          // The previous open time is over: its equity (after its last candle) is a point of the curve.
          if (!Number.isNaN(this.#t)) {
            const pointTime = this.#t + tf;
            // A time one timeframe after the last point's continues its run, and a value equal to the last one stored repeats it (see GrowableSeries).
            if (pointTime !== curve.next) curve.jump(pointTime);
            curve.next = pointTime + tf;
            const eq = this.#lastEq;
            if (eq === curve.last && eq !== 0) {
              if (curve.n !== curve.repeatEnd) curve.repeat();
              curve.repeatEnd = ++curve.n;
            } else {
              if (curve.m === curve.v.length) curve.grow();
              curve.v[curve.m++] = eq;
              curve.last = eq;
              curve.n++;
            }
          }
          // Checked at every new open time, not in a branch of the first candle only: code optimized in one
          // run had no feedback for that branch (the first call has none) and deoptimized in the next.
          if (this.#untimedTrades) this.#resumedEntryTimes(t);
          this.#t = t;
        }
        this.#clock.advance(now);
        // The venue has work only for a working order or a stop the low reached (or a triggered stop).
        const wake = wakes[k]!;
        if ((low <= wake || wake === Number.POSITIVE_INFINITY) && this.#venue.activeCount(k) !== 0) {
          this.#hold(s, i);
          this.#match(k);
        }
        // matchEarly (one candle): this much now, the rest when the candle's signals are in.
        if (this.#matchOnly) return;
      } else {
        this.#matchedK = -1;
        this.#hold(s, i);
        this.#settleMatch();
      }
      this.#candles++;
      lastClose[k] = close;
      returns?.push(k, close);
      const eq = this.#equityF();
      this.#lastEq = eq;
      if (now >= risk.quietUntil || eq <= risk.quietLow || eq > risk.quietHigh) {
        risk.onEquity(now, eq);
        if (risk.state.version !== this.#stateVersion) this.#onStateChange(now);
      }
      let sig: number;
      if (one !== undefined) sig = one.onBar(t, s.open[i]!, s.high[i]!, low, close, s.volume[i]!);
      else {
        this.#hold(s, i);
        sig = this.#signal(k);
      }
      if (sig !== 0) {
        this.#hold(s, i);
        this.#decide(k, sig, now);
      }
    }
  }

  /** Candle `i` of `s` into the #b fields, for the private steps that read the candle from there. */
  #hold(s: CandleColumns, i: number): void {
    this.#bt = s.time[i]!;
    this.#bo = s.open[i]!;
    this.#bh = s.high[i]!;
    this.#bl = s.low[i]!;
    this.#bc = s.close[i]!;
    this.#bv = s.volume[i]!;
  }

  /**
   * What matchEarly left to the candle's step, done before the rest of it:
   * the cash double, its counted fills for the fill log (#logFills) and the
   * rest of its events (#finishMatch).
   */
  #settleMatch(): void {
    if (this.#cashDue) {
      this.#cashDue = false;
      this.#cashF[0] = this.portfolio.amountFloat(this.#currency);
    }
    this.#logFills();
    if (this.#dueK !== -1) this.#finishMatch();
  }

  /**
   * The waiting match's events applied as #match applies them, each fill's
   * booking taking what the portfolio held after it from the lists (the
   * portfolio has all of them by now), then the expired limit orders.
   */
  #finishMatch(): void {
    const k = this.#dueK;
    this.#dueK = -1;
    const events = this.#dueEvents;
    let fill = 0;
    for (let i = 1; i < events.length; i++) {
      const e = events[i]!;
      if (e.type === 'OrderFilled' || e.type === 'StopFilled') this.#dueFill = fill++;
      this.#apply(e);
    }
    this.#dueFill = -1;
    events.length = 1;
    for (let i = 0; i < this.#dueFills; i++) {
      this.#duePosition[i] = undefined;
      this.#dueAverage[i] = undefined;
    }
    this.#dueFills = 0;
    this.#cancelExpired(k);
  }

  /** Notes what #bookPortfolio left (the #...Now fields) as the waiting match's next fill. */
  #saveBooked(): void {
    const i = this.#dueFills++;
    if (i < this.#dueLots.length) {
      this.#dueLots[i] = this.#lotsNow;
      this.#dueStopTicks[i] = this.#stopTicksNow;
      this.#duePosition[i] = this.#positionNow;
      this.#dueAverage[i] = this.#averageNow;
    } else {
      this.#dueLots.push(this.#lotsNow);
      this.#dueStopTicks.push(this.#stopTicksNow);
      this.#duePosition.push(this.#positionNow);
      this.#dueAverage.push(this.#averageNow);
    }
  }

  /** The waiting match's fill i, as #bookPortfolio left it. */
  #loadBooked(i: number): void {
    this.#lotsNow = this.#dueLots[i]!;
    this.#stopTicksNow = this.#dueStopTicks[i]!;
    this.#positionNow = this.#duePosition[i];
    this.#averageNow = this.#dueAverage[i];
  }

  /** A counted fill of symbol k that matchEarly booked, for the fill log (#logFills). */
  #fillDue(c: CountedFill, k: number): void {
    const i = this.#fillsDueCount++;
    if (i < this.#fillsDue.length) {
      this.#fillsDue[i] = c;
      this.#fillsDueK[i] = k;
    } else {
      this.#fillsDue.push(c);
      this.#fillsDueK.push(k);
    }
  }

  /** The counted fills matchEarly booked, into the fill log in order. */
  #logFills(): void {
    const n = this.#fillsDueCount;
    if (n === 0) return;
    this.#fillsDueCount = 0;
    const due = this.#fillsDue;
    for (let i = 0; i < n; i++) {
      this.#fillLog.addCounted(due[i]!, this.#fillsDueK[i]!);
      due[i] = undefined;
    }
  }

  /** The first candle traded: resumed positions, whose entry time is unknown, take its open time. */
  #resumedEntryTimes(t: number): void {
    this.#untimedTrades = false;
    for (const open of this.#open) if (open !== undefined && Number.isNaN(open.entryTime)) open.entryTime = t;
  }

  /** Ends the run: the last equity point. Open positions stay open, marked at their last close. */
  onStop(): void {
    // A candle matched early whose step never came: what it left to the step is booked all the same.
    this.#settleMatch();
    if (!Number.isNaN(this.#t)) this.equity.push(this.#t + this.#tf, this.#lastEq);
    for (const list of this.strategies) for (const s of list) s.onStop();
  }

  #signal(k: number): number {
    const one = this.#single[k];
    if (one !== undefined) return one.onBar(this.#bt, this.#bo, this.#bh, this.#bl, this.#bc, this.#bv);
    const list = this.strategies[k]!;
    const sig = this.#signals[k]!;
    // The candle in a column for onBarAt (see Strategy.onBarAt).
    const bar = this.#bar;
    bar[0] = this.#bt;
    bar[1] = this.#bo;
    bar[2] = this.#bh;
    bar[3] = this.#bl;
    bar[4] = this.#bc;
    bar[5] = this.#bv;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      sig[i] = s.onBarAt
        ? s.onBarAt(bar)
        : s.onBar(this.#bt, this.#bo, this.#bh, this.#bl, this.#bc, this.#bv);
    }
    return list.length === 0 ? 0 : this.#ensembles[k]!.combine(sig);
  }

  #equityF(): number {
    let eq = this.#cashF[0]!;
    const pos = this.#posF;
    const px = this.#lastClose;
    for (let j = 0; j < pos.length; j++) if (pos[j] !== 0) eq += pos[j]! * px[j]!;
    return eq;
  }

  /** Equity in decimals at the last closes (orders and reports; not per candle). */
  equityDecimal(): Decimal {
    return this.portfolio.equity(this.#marks()).amount;
  }

  #marks(): Record<string, Decimal> {
    const marks: Record<string, Decimal> = {};
    // Only what the portfolio holds needs a mark.
    for (let j = 0; j < this.symbols.length; j++) {
      if (this.#posF[j] !== 0) marks[this.symbols[j]!] = this.#grids[j]!.priceFromNumber(this.#lastClose[j]!);
    }
    return marks;
  }

  /** The one strategy's name of each symbol that has one, in a list every order and trade of it shares. */
  readonly #soloNames: readonly (readonly string[] | undefined)[];

  #agreeing(k: number, sig: number): readonly string[] {
    const list = this.strategies[k]!;
    if (list.length === 1) {
      return this.#soloNames[k]!;
    }
    const s = this.#signals[k]!;
    return list.filter((_, i) => s[i] === sig).map((x) => x.name);
  }

  #decide(k: number, sig: number, now: number): void {
    const close = this.#bc;
    if (sig > 0) {
      if (this.#posF[k] !== 0 || this.#entry[k] || this.#exit[k]) return;
      this.#enter(k, close, now);
      return;
    }
    const entry = this.#entry[k];
    if (entry) this.#cancel(entry, now);
    // A stop that triggered and filled in part is selling the rest of the position already: an exit too would sell it twice.
    if (this.#posF[k]! > 0 && !this.#exit[k] && this.#stopHot[k] === 0) this.#close(k, close, now);
  }

  #enter(k: number, close: number, now: number): void {
    const inst = this.instruments[k]!;
    const symbol = inst.symbol;
    // Halted, cooling down, locked or over the order rate: denied before any sizing (and not asked again: checkPrechecked).
    if (this.risk.precheck(symbol, 'BUY', now)) return;
    if (!this.#limit && this.#enterCounted(k, close, now)) return;
    const ref = this.#grids[k]!.priceFromNumber(close);
    const equity = this.equityDecimal();
    const sized = sizePosition({
      equity,
      cash: this.portfolio.amount(this.#currency),
      currentNotional: ZERO,
      ...this.#sizingPolicy,
    });
    const price = this.#limit
      ? this.#grids[k]!.limitPrice('BUY', ref.times(dec(1).minus(this.#limitOffset)))
      : undefined;
    const quantity = floorQuantity(sized.notional, price ?? ref, inst.lotSize);
    if (
      quantity.isZero() ||
      quantity.lt(inst.minQuantity) ||
      quantity.times(price ?? ref).lt(inst.minNotional.amount)
    ) {
      this.risk.record(
        deny(RiskCode.SIZE_BELOW_MINIMUM, {
          notional: sized.notional.toDecimalPlaces(8),
          bound_by: sized.boundBy,
          quantity,
          min_quantity: inst.minQuantity,
        }),
        now,
        symbol,
        'BUY',
      );
      return;
    }
    const verdict = this.risk.checkPrechecked(
      { symbol, side: 'BUY', quantity, price: price ?? ref, position: ZERO },
      { now, equity, positions: this.#positions(), correlation: this.#correlation },
    );
    if (verdict) return;
    this.#submit(k, 'BUY', quantity, price, now, true, this.#agreeing(k, 1));
  }

  /**
   * #enter for a market order in counts: equity, sizing and the minimums as
   * exact integers (sizeOpeningLots), the risk checks behind their float
   * guards. False when a count is missing or the decimal path has something to
   * say (a denial with its figures): then #enter sizes in decimals, from the start.
   */
  #enterCounted(k: number, close: number, now: number): boolean {
    const grid = this.#grids[k]!;
    const inst = this.instruments[k]!;
    const tickDp = grid.tickPlaces;
    const lotDp = grid.lotPlaces;
    if (tickDp === undefined || lotDp === undefined) return false;
    const ticks = grid.ticksFromNumber(close);
    if (Number.isNaN(ticks)) return false;
    const plan = this.#openingSizing;
    if (plan === undefined) return false;
    if (this.#holdsNothing()) {
      // The equity is the cash: the doubles size the order when they are sure (openingLotsFromCash).
      const lots = openingLotsFromCash(plan, {
        cashF: this.#cashF[0]!,
        ticks,
        tickDp,
        lotDp,
        minLots: this.#minLots[k]!,
        minNotionalF: this.#minNotionalF[k]!,
      });
      if (lots !== undefined) {
        const quantity = decimalOfUnits(lots, lotDp);
        const verdict = this.risk.checkPrechecked(
          { symbol: inst.symbol, side: 'BUY', quantity, price: grid.priceOfTicks(ticks), position: ZERO },
          new CashContext(now, this.#cashF[0]!, this.portfolio, this.#correlation),
        );
        if (!verdict) this.#submit(k, 'BUY', quantity, undefined, now, true, this.#agreeing(k, 1));
        return true;
      }
    }
    const equity = this.portfolio.equityCounts(this.#markTicks);
    if (equity === undefined) return false;
    const lots = sizeOpeningLots(plan, {
      equity: equity.units,
      equityScale: equity.scale,
      equityDigits: equity.digits,
      cashF: this.#cashF[0]!,
      ticks,
      tickDp,
      lotDp,
      minLots: this.#minLots[k]!,
      minNotional: this.#minNotional[k],
    });
    if (lots === undefined) return false;
    const quantity = decimalOfUnits(lots, lotDp);
    const ref = grid.priceOfTicks(ticks);
    const verdict = this.risk.checkPrechecked(
      { symbol: inst.symbol, side: 'BUY', quantity, price: ref, position: ZERO },
      new CountedContext(now, equity.units, equity.scale, this.#positions(), this.#correlation),
    );
    if (!verdict) this.#submit(k, 'BUY', quantity, undefined, now, true, this.#agreeing(k, 1));
    return true;
  }

  /** No position in any symbol and no balance but the cash: the equity is the cash. */
  #holdsNothing(): boolean {
    const pos = this.#posF;
    for (let j = 0; j < pos.length; j++) if (pos[j] !== 0) return false;
    return this.portfolio.holdsOnly(this.#currency);
  }

  /** The mark of a symbol the portfolio holds, as a tick count (NaN: not one); what #marks gives as a Decimal. */
  readonly #markTicks = (symbol: string): number => {
    const j = this.symbols.indexOf(symbol);
    if (j < 0 || this.#posF[j] === 0) return Number.NaN;
    return this.#grids[j]!.ticksFromNumber(this.#lastClose[j]!);
  };

  #close(k: number, close: number, now: number): void {
    const inst = this.instruments[k]!;
    const lotDp = this.#grids[k]!.lotPlaces;
    const lots = lotDp === undefined ? Number.NaN : this.portfolio.positionLots(inst.symbol);
    const position = Number.isNaN(lots)
      ? this.portfolio.position(inst.symbol).quantity
      : decimalOfUnits(lots, lotDp!);
    if (!position.isPositive()) return;
    const ref = this.#grids[k]!.priceFromNumber(close);
    const price = this.#limit
      ? this.#grids[k]!.limitPrice('SELL', ref.times(dec(1).plus(this.#limitOffset)))
      : undefined;
    const verdict = this.risk.check(
      { symbol: inst.symbol, side: 'SELL', quantity: position, price: price ?? ref, position },
      // A close only reduces: the gate (state, rate) decides it, and equity is not read (made only if it is).
      this.#closeContext(now),
    );
    if (verdict) return;
    this.#submit(k, 'SELL', position, price, now, false, this.#agreeing(k, -1));
  }

  #closeContext(now: number): RiskContext {
    return new CloseContext(now, this.#lastEq, this.#correlation);
  }

  #submit(
    k: number,
    side: 'BUY' | 'SELL',
    quantity: Decimal,
    price: Decimal | undefined,
    now: number,
    entry: boolean,
    strategies: readonly string[],
  ): void {
    const inst = this.instruments[k]!;
    const id = `O-${++this.#seq}`;
    let order: Order;
    try {
      // Made as submitted (the same order as createOrder then applyOrderEvent's OrderSubmitted, without the copy).
      order = createSubmittedOrder(inst, {
        id,
        side,
        type: price ? 'LIMIT' : 'MARKET',
        quantity,
        // createOrder reads an undefined price as none (a MARKET order's).
        price,
        ts: now,
      });
    } catch (e) {
      if (e instanceof DomainError) {
        this.risk.record(
          deny(RiskCode.SIZE_BELOW_MINIMUM, { ...e.context, error: e.code }),
          now,
          inst.symbol,
          side,
        );
        return;
      }
      throw e;
    }
    const row = this.#orderLog.add(
      id,
      k,
      side,
      order.type,
      order.quantity,
      order.price,
      now,
      strategies,
      order.status,
      this.#grids[k]!.lotPlaces,
    );
    const live = new Live(order, row, strategies, k, entry, now);
    if (entry) {
      this.#entry[k] = live;
      this.#open[k] ??= this.#newTrade(k, strategies, now);
    } else this.#exit[k] = live;
    this.#rewake(k);
    this.#venue.submit(order, now);
  }

  readonly #correlation = (a: string, b: string): number => {
    if (!this.#returns) return Number.NaN;
    return this.#returns.correlation(this.#returns.index(a), this.#returns.index(b));
  };

  #positions(): { symbol: string; notional: Decimal }[] {
    const out: { symbol: string; notional: Decimal }[] = [];
    for (let j = 0; j < this.symbols.length; j++) {
      if (this.#posF[j] === 0) continue;
      const p = this.portfolio.position(this.symbols[j]!);
      out.push({
        symbol: p.symbol,
        notional: p.quantity.times(this.#grids[j]!.priceFromNumber(this.#lastClose[j]!)),
      });
    }
    return out;
  }

  #match(k: number): void {
    const events = this.#events;
    this.#venue.onCandle(k, this.#bt, this.#bo, this.#bh, this.#bl, this.#bc, this.#bv, events);
    if (this.#matchOnly) {
      // matchEarly: the fills into the portfolio now, the rest of the events at the candle's step
      // (#finishMatch). The venue reports only symbol k's orders and stop here.
      for (let i = 1; i < events.length; i++) {
        const e = events[i]!;
        if (e.type !== 'OrderFilled' && e.type !== 'StopFilled') continue;
        this.#bookPortfolio(k, e);
        this.#saveBooked();
      }
      this.#events = this.#dueEvents;
      this.#dueEvents = events;
      this.#dueK = k;
      return;
    }
    for (let i = 1; i < events.length; i++) this.#apply(events[i]!);
    events.length = 1;
    this.#cancelExpired(k);
  }

  /** Limit orders of symbol k that have worked long enough are canceled. */
  #cancelExpired(k: number): void {
    if (!this.#limit) return;
    const now = this.#bt + this.#tf;
    for (const live of [this.#entry[k], this.#exit[k]]) {
      if (live && now - live.submittedAt >= this.#ttl) this.#cancel(live, now);
    }
  }

  /**
   * The working order with this id: a symbol has at most one entry and one
   * exit working (#decide submits neither while one is), and an order leaves
   * its slot when it is done, so the slots are the orders in flight.
   */
  #liveOrder(id: string): Live | undefined {
    for (let k = 0; k < this.symbols.length; k++) {
      const entry = this.#entry[k];
      if (entry !== undefined && entry.id === id) return entry;
      const exit = this.#exit[k];
      if (exit !== undefined && exit.id === id) return exit;
    }
    return undefined;
  }

  /** Asks the venue to cancel a working order (once). */
  #cancel(live: Live, now: number): void {
    if (live.status === 'PENDING_CANCEL') return;
    live.apply({ type: 'OrderCancelRequested', ts: now });
    this.#orderLog.setStatus(live.row, live.status);
    this.#venue.cancel(live.id, now);
  }

  #apply(e: VenueEvent): void {
    if (e.type === 'StopFilled') {
      const k = this.symbols.indexOf(e instanceof CountedFill ? e.symbol : e.fill.symbol);
      // The stop ends the trade: an entry still working (partly filled) is canceled.
      const entry = this.#entry[k];
      if (entry) this.#cancel(entry, e.ts);
      this.#book(k, e, 'stopLoss', [], undefined);
      this.#rewake(k);
      return;
    }
    const live = this.#liveOrder(e.orderId);
    if (!live) return;
    // The venue's event is the order's event (its orderId aside).
    live.apply(e);
    if (e.type === 'OrderFilled') this.#book(live.k, e, 'signal', live.strategies, live);
    this.#orderLog.setStatus(live.row, live.status);
    if (live.status === 'FILLED' || live.status === 'CANCELED' || live.status === 'REJECTED') {
      if (this.#entry[live.k] === live) this.#entry[live.k] = undefined;
      if (this.#exit[live.k] === live) this.#exit[live.k] = undefined;
      // An entry that never filled leaves no trade behind.
      const open = this.#open[live.k];
      if (open && live.entry && open.bought.isZero() && this.#posF[live.k] === 0)
        this.#open[live.k] = undefined;
    }
    this.#rewake(live.k);
  }

  /**
   * Books a fill event's fill: the portfolio, the position's float mirror,
   * the cash double and the fill log; and leaves what the rest of its booking
   * (#book) reads in the #...Now fields. A CountedFill on the symbol's grids
   * is booked from its counts (its Fill literal is not made); any other from
   * its Fill.
   */
  #bookPortfolio(k: number, e: FillEvent): void {
    const symbol = this.instruments[k]!.symbol;
    const grid = this.#grids[k]!;
    const lotDp = grid.lotPlaces;
    const c = countedOn(e, grid);
    const fill = c === undefined ? e.fill : undefined;
    if (c !== undefined) this.portfolio.applyCountedFill(c);
    else this.portfolio.applyFill(fill!);
    // The position as a lot count (its float is the same quotient toFloat takes); the Position only when a count is missing.
    const lots = lotDp === undefined || lotDp > 22 ? Number.NaN : this.portfolio.positionLots(symbol);
    const position = Number.isNaN(lots) ? this.portfolio.position(symbol) : undefined;
    if (position) this.#posF[k] = toFloat(position.quantity);
    else this.#posF[k] = lots / pow10(lotDp!);
    // Read only by the step (equity, sizing): matchEarly leaves it to the candle's step.
    if (this.#matchOnly) this.#cashDue = true;
    else this.#cashF[0] = this.portfolio.amountFloat(this.#currency);
    if (c !== undefined) {
      // matchEarly: into the log at the step (or when the fills are read).
      if (this.#matchOnly) this.#fillDue(c, k);
      else this.#fillLog.addCounted(c, k);
    } else {
      const n = plainCounts(fill!, grid);
      // After any counted fill of the match that waits: the log keeps the venue's order.
      this.#logFills();
      this.#fillLog.add(fill!, k, this.#plainFills, n.lots, lotDp ?? 0, n.ticks, grid.tickPlaces ?? 0);
    }
    this.#lotsNow = lots;
    this.#positionNow = position;
    // After a buy the stop follows the average entry: from its tick count when it is one.
    const buy = (c !== undefined ? c.side : fill!.side) === 'BUY';
    const stop = buy ? stopTicks(this.portfolio.averageTicks(symbol), this.#stopFactor) : Number.NaN;
    this.#stopTicksNow = stop;
    this.#averageNow = buy && Number.isNaN(stop) ? this.portfolio.averagePrice(symbol) : undefined;
  }

  /**
   * Books a fill event's fill: the portfolio first (#bookPortfolio, which
   * matchEarly has done already for the fills of a match that waits for its
   * step: #finishMatch), then the open trade, the protective stop, and the
   * round trip's close when the position is flat.
   */
  #book(
    k: number,
    e: FillEvent,
    reason: 'signal' | 'stopLoss',
    strategies: readonly string[],
    order: OrderProgress | undefined,
  ): void {
    if (this.#dueFill === -1) this.#bookPortfolio(k, e);
    else this.#loadBooked(this.#dueFill);
    const grid = this.#grids[k]!;
    const lotDp = grid.lotPlaces;
    const tickDp = grid.tickPlaces;
    const c = countedOn(e, grid);
    const fill = c === undefined ? e.fill : undefined;
    const ts = c !== undefined ? c.ts : fill!.ts;
    const lots = this.#lotsNow;
    const position = this.#positionNow;
    const flat = position ? position.quantity.isZero() : lots === 0;
    // The position for the stop: the order's own quantity when the position is as many lots (an entry filled at once), no new Decimal.
    const quantity = () =>
      position
        ? position.quantity
        : lots === 0
          ? ZERO
          : (order?.quantityOfLots(lots, lotDp!) ?? decimalOfUnits(lots, lotDp!));
    this.#open[k] ??= this.#newTrade(k, strategies, ts);
    const trade = this.#open[k]!;
    const buy = (c !== undefined ? c.side : fill!.side) === 'BUY';
    if (buy && trade.bought.isZero()) trade.entryTime = ts;
    if (c !== undefined) trade.addCounts(buy, c.lots, c.lotDp, c.ticks, c.tickDp, c.fee, c.feeDp);
    else {
      const n = plainCounts(fill!, grid);
      trade.add(buy, fill!.quantity, fill!.price, n.lots, lotDp ?? 0, n.ticks, tickDp ?? 0, fill!.fee.amount);
    }
    if (buy) {
      // The stop covers the whole position.
      const ticks = this.#stopTicksNow;
      const stop = Number.isNaN(ticks)
        ? stopPrice(grid, this.#averageNow!, this.#stopFactor)
        : grid.priceOfTicks(ticks);
      this.#stop[k] = stop;
      // The same correctly rounded quotient toFloat takes.
      this.#stopF[k] = Number.isNaN(ticks) ? toFloat(stop) : ticks / pow10(tickDp!);
      this.#venue.protect(k, stop, quantity(), ts);
    } else {
      if (reason === 'stopLoss') {
        trade.exitReason = 'stopLoss';
        // Triggered with quantity left (the volume cap): the venue fills the rest on the next candles.
        this.#stopHot[k] = 1;
      }
      if (reason === 'signal' && this.#stop[k]) this.#venue.protect(k, this.#stop[k]!, quantity(), ts);
    }
    if (flat) {
      this.#stop[k] = undefined;
      this.#stopF[k] = Number.NaN;
      this.#stopHot[k] = 0;
      this.#venue.protect(k, ZERO, ZERO, ts);
      this.#open[k] = undefined;
      this.#closeTrade(trade, k, ts);
    }
  }

  /** Logs a closed round trip and tells the risk engine (whose state may change: the step acts on that). */
  #closeTrade(trade: OpenTrade, k: number, ts: number): void {
    const pnl = this.#tradeLog.add(trade, k, ts);
    // The log keeps the trade's counts or its record, not the object: the next trade of k reuses it.
    this.#closedTrade[k] = trade;
    this.risk.onTradeClosed(ts, this.instruments[k]!.symbol, pnl, trade.exitReason === 'stopLoss');
  }

  /** The trading state changed: a halt or reduce-only state cancels working entries. */
  #onStateChange(now: number): void {
    this.#stateVersion = this.risk.state.version;
    if (this.risk.state.state === 'ACTIVE') return;
    for (let k = 0; k < this.symbols.length; k++) {
      const entry = this.#entry[k];
      if (entry) this.#cancel(entry, now);
    }
  }

  /** An open trade for symbol k: the last closed one's object made new again (no allocation), if there is one. */
  #newTrade(k: number, strategies: readonly string[], entryTime: number): OpenTrade {
    const closed = this.#closedTrade[k];
    if (closed === undefined) return new OpenTrade(strategies, entryTime);
    this.#closedTrade[k] = undefined;
    return closed.restart(strategies, entryTime);
  }

  /** The symbols with an order working at the venue: an entry or an exit not yet filled or canceled. */
  workingOrderSymbols(): string[] {
    const out: string[] = [];
    for (let k = 0; k < this.symbols.length; k++)
      if (this.#entry[k] !== undefined || this.#exit[k] !== undefined) out.push(this.symbols[k]!);
    return out;
  }

  /** Positions still open at the end, marked at the last close. */
  openTrades(): {
    symbol: string;
    quantity: string;
    entryPrice: string;
    mark: string;
    unrealizedPnl: string;
    entryTime: number;
  }[] {
    const out = [];
    for (let k = 0; k < this.symbols.length; k++) {
      const p = this.portfolio.position(this.symbols[k]!);
      if (p.quantity.isZero()) continue;
      const mark = this.instruments[k]!.priceFromNumber(this.#lastClose[k]!);
      out.push({
        symbol: p.symbol,
        quantity: p.quantity.toFixed(),
        entryPrice: p.averagePrice.toSignificantDigits(12).toFixed(),
        mark: mark.toFixed(),
        unrealizedPnl: mark.minus(p.averagePrice).times(p.quantity).toFixed(),
        entryTime: this.#open[k]?.entryTime ?? Number.NaN,
      });
    }
    return out;
  }
}
