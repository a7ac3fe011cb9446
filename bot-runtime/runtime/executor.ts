// The executor: owns the bot's state. It joins candles with the strategies'
// signals, steps the trading kernel (ensemble, RiskPolicy, sizing, paper
// venue, portfolio: the same code as a backtest), records orders, fills and
// equity in the ledger, and feeds the status source the status endpoint
// serves. The ledger writes go behind the steps (write-behind.ts): the next
// candle does not wait for the disk or the database; `step()` and `settle()`
// do, and a fill reaches the status source and the metrics once it is durable.
// Fills of working orders are booked as the candle arrives, before the
// strategies have answered it (#matchEarly; docs/state.md).
//
// Restart: positions come back from the ledger (recover()), and so do the
// trades and the equity curve the status source shows. Then the kernel is
// brought back to where it stood, one of two ways (`resume`):
// - `restep` (`botcore run` on a replay, whose feed sends the candles already
//   processed again, without waits): the kernel steps them again silently;
//   the paper venue is seeded and the kernel reads no wall clock, so it
//   re-reports the same fills with the same ids, which the ledger drops as
//   duplicates, even when the last run died between a fill and its write.
// - `seed` (between pods, where the feed goes on without the executor, and any
//   live feed: those candles never come again): the kernel starts from the
//   cash and positions the ledger's fills add up to (each open position with
//   its round trip so far, fees included), its risk engine from the ledger's
//   equity, closed trades and orders (risk/restore.ts), orders still working
//   at the crash are recorded as canceled, and a candle at or before the
//   ledger's last one (a feed that started over) is ignored.
// Either way no fill is counted twice and none is lost.
import type { RiskPolicySpec, TradingBotSpec } from '../../crds/index.ts';
import type { Bus, Subscription } from '../bus/bus.ts';
import { consumeEvents, type RunningConsumer } from '../bus/consume.ts';
import {
  type Decimal,
  dec,
  type Fill,
  type Instrument,
  type Marks,
  type OrderEvent,
} from '../domain/index.ts';
import type { MemoryStatusSource } from '../http/memory-status-source.ts';
import type { TradingMetrics } from '../http/metrics.ts';
import type { RiskView } from '../http/status-source.ts';
import { CandleClock, type Kernel } from '../kernel/index.ts';
import type { OrderRecord as KernelOrder, StartingPortfolio } from '../kernel/kernel.ts';
import type { Candle } from '../market-data/candle.ts';
import { FillApplier, type StepRecords } from '../recovery/fill-applier.ts';
import { recover } from '../recovery/recover.ts';
import { cancelStaleOrders } from '../recovery/stale-orders.ts';
import { portfolioFromFills } from '../recovery/starting-portfolio.ts';
import { riskFromLedger, tradesFromLedger } from '../recovery/starting-risk.ts';
import { DEFAULT_RISK_POLICY } from '../risk/engine.ts';
import type { RiskSnapshot } from '../risk/snapshot.ts';
import type { HotState, RiskStateRecord } from '../store/hot-state.ts';
import type { Ledger } from '../store/ledger.ts';
import { PriceWriter } from '../store/price-writer.ts';
import {
  type EquityPointRecord,
  fillFromRecord,
  fillToRecord,
  type OrderEventRecord,
  type OrderRecord,
  orderEventToRecord,
  type StoredFill,
} from '../store/records.ts';
import { RiskStateWriter } from '../store/risk-state-writer.ts';
import { type Decision, ExecutorTraces } from '../telemetry/executor-traces.ts';
import type { DecisionReview, ReviewedDecision, ReviewState } from './decision-review.ts';
import { paperKernel } from './paper-kernel.ts';
import type { FillEvent, RecordedOrderEvent, RecordingVenue } from './recording-venue.ts';
import type { SignalJoin, SignalMessage } from './signals.ts';
import { type WarmUpReport, warmUpFillPath } from './warm-up.ts';
import { WriteBehind } from './write-behind.ts';

export const SIGNALS_CONSUMER = { name: 'executor-signals', ackWaitMs: 10_000, maxAckPending: 256 } as const;

export interface ExecutorMarket {
  readonly symbol: string;
  readonly instrument: Instrument;
}

export interface ExecutorOptions {
  readonly bus: Bus;
  readonly ledger: Ledger;
  readonly bot: TradingBotSpec;
  readonly policy?: RiskPolicySpec;
  readonly markets: readonly ExecutorMarket[];
  readonly timeframeMs: number;
  readonly join: SignalJoin;
  /** The status endpoint's source; the executor writes it. */
  readonly source?: MemoryStatusSource;
  /** Seed of the paper venue (default 1). */
  readonly seed?: number;
  readonly cash?: Decimal;
  /**
   * Prefix of the ledger's order ids for this run. Default: none with `restep`
   * (the re-stepped kernel makes the same orders again), one unique to the run
   * (`<start time in base 36>-`) with `seed`.
   */
  readonly orderIdPrefix?: string;
  /**
   * Hot state (Redis between pods, memory in botcore run): the fill applier
   * keeps its positions up to date, and the executor its latest prices (each
   * candle's close, written every 250 ms) and its risk state (when it changes).
   */
  readonly hot?: HotState;
  /**
   * False while a dependency the executor needs is down (DependencyMonitor):
   * no new position opens meanwhile; closes and stops still go through.
   */
  readonly canOpenPositions?: () => boolean;
  readonly onError?: (error: unknown) => void;
  /**
   * Called when the kernel has stepped a candle (its fills booked, unless
   * booked on arrival: onMatched; its records queued for the ledger): the next
   * candle may start.
   */
  readonly onStepped?: (symbol: string, candle: Candle) => void;
  /**
   * Called when fills of working orders were booked as the candle arrived,
   * before its step (`startedAt`: performance.now() when the match began).
   */
  readonly onMatched?: (symbol: string, candle: Candle, startedAt: number) => void;
  /** Called once a candle is fully processed: its records are in the ledger, its fills in the status source. */
  readonly onCandle?: (symbol: string, candle: Candle) => void;
  /** Writes (two per candle) that may wait for the ledger before the next candle is held (default 256; WriteBehind). */
  readonly maxUnwrittenWrites?: number;
  /**
   * How a restart catches up (see the top of this file): `restep` when the feed
   * delivers the candles already processed again (`botcore run` on a replay),
   * `seed` when it will not (pods, live feeds). Default `restep`.
   */
  readonly resume?: ExecutorResumeMode;
  /**
   * The language-model advisor's review of each decision the bot is about to
   * act on (spec.ai.advisor; decision-review.ts). Not consulted while candles
   * are re-stepped, so a bot with an advisor resumes by `seed`.
   */
  readonly review?: DecisionReview;
  readonly onReview?: (reviewed: ReviewedDecision) => void;
}

export type ExecutorResumeMode = 'restep' | 'seed';

/** A stepped candle: `recorded` resolves once its records are in the ledger. */
interface Stepped {
  readonly recorded: Promise<void>;
}

export interface ExecutorResume {
  /**
   * Close time of the last candle the ledger has seen (its last equity point or fill);
   * candles up to it are re-stepped silently (`restep`) or ignored (`seed`).
   */
  readonly resumeAfter: number;
  readonly fillsFromLedger: number;
  /** What the kernel was seeded with (`seed` after a run that traded). */
  readonly seeded?: StartingPortfolio;
  /** What the risk engine was restored to (`seed` after a run that left anything in the ledger). */
  readonly risk?: RiskSnapshot;
  /** Orders working at the crash, recorded as canceled (`seed`). */
  readonly staleOrdersCanceled?: number;
}

export class Executor {
  /** The kernel's clock: candle time, as far as the executor has processed candles. */
  readonly clock = new CandleClock();
  #kernel: Kernel;
  readonly #options: ExecutorOptions;
  #venue: RecordingVenue;
  readonly #index: Map<string, number>;
  readonly #quote: string;
  #applier: FillApplier | undefined;
  #ordersSeen = 0;
  #resumeAfter = Number.NEGATIVE_INFINITY;
  #lastClose: number[];
  #draining = false;
  readonly #eventCount = new Map<string, number>();
  #dirty = false;
  #md: Subscription | undefined;
  #signals: RunningConsumer | undefined;
  /** The hot state's latest prices and risk state (with a hot state), written behind the candles. */
  readonly #prices: PriceWriter | undefined;
  readonly #riskState: RiskStateWriter | undefined;
  #priceFeed: Subscription | undefined;
  #idle: Promise<void> = Promise.resolve();
  #writer: WriteBehind | undefined;
  #failed: unknown;
  #stopping = false;
  readonly #traces = new ExecutorTraces();

  constructor(options: ExecutorOptions) {
    this.#options = options;
    if (options.hot) {
      const failed = (what: string) => (e: unknown) =>
        options.onError?.(
          new Error(`hot state: ${what} not written (${(e as Error).message}); trying again`),
        );
      this.#prices = new PriceWriter(options.hot, { onError: failed('the latest prices') });
      this.#riskState = new RiskStateWriter(options.hot, { onError: failed('the risk state') });
    }
    this.#orderIdPrefix =
      options.orderIdPrefix ?? (options.resume === 'seed' ? `${Date.now().toString(36)}-` : '');
    const { markets } = options;
    this.#index = new Map(markets.map((m, k) => [m.symbol, k]));
    this.#quote = markets[0]!.instrument.quote;
    this.#lastClose = markets.map(() => Number.NaN);
    [this.#venue, this.#kernel] = this.#build();
  }

  /** A paper venue and a kernel on it, flat or from a starting portfolio and risk state (nothing stepped yet). */
  #build(startingPortfolio?: StartingPortfolio, startingRisk?: RiskSnapshot): [RecordingVenue, Kernel] {
    const o = this.#options;
    const { venue, kernel } = paperKernel({
      bot: o.bot,
      policy: o.policy,
      markets: o.markets,
      timeframeMs: o.timeframeMs,
      join: o.join,
      clock: this.clock,
      seed: o.seed ?? 1,
      cash: o.cash,
      ...(startingPortfolio ? { startingPortfolio } : {}),
      ...(startingRisk ? { startingRisk } : {}),
    });
    return [venue, kernel];
  }

  /**
   * Trades a scratch copy of this executor's kernel on a synthetic market, so
   * V8 has compiled the fill path before the first real candle (warm-up.ts).
   * Touches nothing of the executor's own state; call it before start().
   */
  warmUp(candles?: number): WarmUpReport {
    const { bot, policy, markets, timeframeMs, cash } = this.#options;
    return warmUpFillPath({
      bot,
      policy,
      markets,
      timeframeMs,
      cash,
      ...(candles === undefined ? {} : { candles }),
    });
  }

  get kernel(): Kernel {
    return this.#kernel;
  }

  get currency(): string {
    return this.#quote;
  }

  get applier(): FillApplier {
    if (!this.#applier) throw new Error('the executor has not recovered yet');
    return this.#applier;
  }

  /** Rebuilds positions, trades and equity from the ledger. Call before start(). */
  async recover(): Promise<ExecutorResume> {
    const { ledger, bus, source } = this.#options;
    const report = await recover(ledger, bus, {
      ...(this.#options.hot ? { hot: this.#options.hot } : {}),
      // Position changes and orders onto their streams once the ledger has them (docs/messaging.md).
      bus,
      onHotStateError: (e) => this.#options.onError?.(e),
    });
    this.#applier = report.applier;
    this.#writer = new WriteBehind(report.applier, {
      ...(this.#options.maxUnwrittenWrites === undefined
        ? {}
        : { maxPending: this.#options.maxUnwrittenWrites }),
      onError: (e) => this.#options.onError?.(e),
    });
    const equity = await ledger.equity();
    const fills = await ledger.fills();
    this.#resumeAfter = equity.at(-1)?.t ?? Number.NEGATIVE_INFINITY;
    const seed = this.#resumeMode === 'seed' ? await this.#seedFromLedger(equity, fills) : {};
    if (source) {
      // The trades (our fills) with the PnL each booked, folded again in ledger order.
      const realized = new Map<string, Decimal>();
      const folder = new FillApplier(ledger);
      for (const f of fills) {
        folder.load([f]);
        const after = folder.position(f.symbol)?.realizedPnl.amount ?? dec(0);
        const before = realized.get(f.symbol) ?? dec(0);
        realized.set(f.symbol, after);
        source.recordFill(fillFromRecord(f), after.eq(before) ? undefined : after.minus(before));
      }
      for (const p of equity) source.recordEquity(p.t, p.equity);
      source.setPositions(
        report.applier
          .positions()
          .filter((p) => !p.quantity.isZero())
          .map((p) => ({
            symbol: p.symbol,
            side: p.quantity.isNegative() ? ('short' as const) : ('long' as const),
            quantity: p.quantity.abs().toFixed(),
            entryPrice: p.averagePrice.toFixed(),
            realizedPnl: p.realizedPnl.amount.toFixed(),
          })),
      );
    }
    return { resumeAfter: this.#resumeAfter, fillsFromLedger: report.fromLedger, ...seed };
  }

  /**
   * `seed`: a new kernel from what the ledger holds (portfolio and held trades,
   * risk state), the old run's working orders recorded as canceled. Nothing to
   * do on an empty ledger.
   */
  async #seedFromLedger(
    equity: readonly EquityPointRecord[],
    fills: readonly StoredFill[],
  ): Promise<Pick<ExecutorResume, 'seeded' | 'risk' | 'staleOrdersCanceled'>> {
    const { ledger, source } = this.#options;
    const orders = await ledger.orders();
    if (fills.length === 0 && equity.length === 0 && orders.length === 0) return {};
    if (this.#kernel.candles > 0) throw new Error('recover() must come before the first candle');
    const trades = tradesFromLedger(fills, orders);
    // An equity point is written after its candle's orders and fills, and not waited for: they may be newer.
    for (const o of orders) this.#resumeAfter = Math.max(this.#resumeAfter, o.ts);
    let seeded: StartingPortfolio | undefined;
    if (fills.length > 0) {
      const held = portfolioFromFills(
        fills,
        this.#options.cash ?? dec(this.#options.bot.capital.amount),
        this.#options.markets.map((m) => m.instrument),
      );
      this.#resumeAfter = Math.max(this.#resumeAfter, held.lastFillTs);
      seeded = { cash: held.cash, positions: held.positions, trades: trades.open };
    }
    const policy = this.#options.policy ?? DEFAULT_RISK_POLICY;
    const risk = riskFromLedger({ equity, fills, orders }, policy, this.#resumeAfter, trades);
    // The new kernel's venue never saw the old run's working orders: the ledger closes them.
    const staleOrdersCanceled = (await cancelStaleOrders(ledger, this.#resumeAfter)).length;
    [this.#venue, this.#kernel] = this.#build(seeded, risk);
    source?.update({ risk: this.riskView() });
    return { ...(seeded ? { seeded } : {}), risk, staleOrdersCanceled };
  }

  get #resumeMode(): ExecutorResumeMode {
    return this.#options.resume ?? 'restep';
  }

  /** Follows candles and signals on the bus. */
  async start(): Promise<void> {
    if (!this.#applier) await this.recover();
    const { bus, join } = this.#options;
    this.kernel.onStart();
    this.#md = await bus.subscribeMarketData({}, (m, context) => {
      if (!this.#index.has(m.symbol)) return;
      this.#traces.candle(m.symbol, m.candle.t, context);
      join.addCandle(m);
      this.#matchEarly(m.symbol, m.candle);
      this.#kick();
    });
    this.#signals = consumeEvents<SignalMessage>(
      bus,
      'signals',
      SIGNALS_CONSUMER,
      async (d) => {
        this.#traces.signal(d.payload.symbol, d.payload.t, d.context);
        join.addSignal(d.payload);
        this.#kick();
      },
      { batch: 64, waitMs: 200, onError: (e) => this.#options.onError?.(e) },
    );
    if (this.#prices) {
      // After the executor's own subscription: a candle reaches the fill path first.
      this.#priceFeed = await this.#prices.follow(bus);
      this.#prices.start();
    }
    this.#offerRiskState();
  }

  /** The risk state into the hot state, if it changed since it was last written. */
  #offerRiskState(): void {
    this.#riskState?.offer(this.kernel.risk.state.version, this.#riskStateRecord);
  }

  readonly #riskStateRecord = (): RiskStateRecord => ({ ...this.riskView(), ts: Date.now() });

  /**
   * The paper venue fills working orders as the candle arrives, not once the
   * strategies have read it: a fill does not depend on the candle's signals
   * (Kernel.matchEarly). Only for the candle next in line with no step under
   * way, so the kernel still sees every candle in order; the candle's step,
   * when its signals are in, does the rest. Its records go to the ledger now.
   */
  #matchEarly(symbol: string, c: Candle): void {
    if (this.#draining || this.#stopping || this.#options.join.waiting !== 1) return;
    // A candle re-stepped (or ignored) after a restart, or a ledger far behind: the step matches it.
    if (c.t + this.#options.timeframeMs <= this.#resumeAfter || this.#ledgerWriter.holding) return;
    const started = performance.now();
    const k = this.#index.get(symbol)!;
    try {
      if (!this.kernel.matchEarly(k, c.t, c.open, c.high, c.low, c.close, c.volume)) return;
      if (!this.#venue.hasEvents) return;
      const match = this.#traces.match(symbol, c.t);
      try {
        this.#handOver(match, false, started).catch((e) => this.#writeGivenUp(e));
      } finally {
        match.end();
      }
    } catch (error) {
      // As a step that throws: the executor reports it and its health says failed.
      this.#failed ??= error;
      this.#options.onError?.(error);
      return;
    }
    this.#options.onMatched?.(symbol, c, started);
  }

  #kick(): void {
    this.#dirty = true;
    if (this.#draining) return;
    this.#draining = true;
    this.#idle = this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      // A kick while a candle is being processed sets #dirty: look again before stopping, so a
      // candle that became ready during the last await is never left waiting for the next kick.
      while (this.#dirty) {
        this.#dirty = false;
        for (;;) {
          if (this.#stopping) return;
          const next = this.#options.join.next();
          if (!next) break;
          try {
            await this.#stepTraced(next.symbol, next.candle);
          } catch (error) {
            this.#failed ??= error;
            this.#options.onError?.(error);
          }
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /**
   * Processes one closed candle with its signals already joined, and resolves
   * once its records are in the ledger. (The executor's own loop goes on to
   * the next candle as soon as the kernel has stepped; the records follow.)
   */
  async step(symbol: string, c: Candle): Promise<void> {
    await (await this.#stepTraced(symbol, c))?.recorded;
  }

  /** The step inside its decision span; resolves once stepped, with the promise of its records (wrapped: an async function would wait for it). */
  async #stepTraced(symbol: string, c: Candle): Promise<Stepped | undefined> {
    if (!this.#index.has(symbol)) return undefined;
    const replaying = c.t + this.#options.timeframeMs <= this.#resumeAfter;
    const decision = this.#traces.decide(symbol, c.t, replaying, this.kernel.risk.denials);
    try {
      return await this.#step(symbol, c, decision);
    } catch (error) {
      decision.fail(error);
      throw error;
    } finally {
      decision.end();
    }
  }

  async #step(symbol: string, c: Candle, decision: Decision): Promise<Stepped | undefined> {
    const k = this.#index.get(symbol)!;
    const source = this.#options.source;
    const now = c.t + this.#options.timeframeMs;
    // A seeded kernel already holds what these candles did: stepping one again could trade twice.
    if (this.#resumeMode === 'seed' && now <= this.#resumeAfter) return undefined;
    const replaying = now <= this.#resumeAfter;
    const writer = this.#ledgerWriter;
    // The ledger is failing or far behind: wait here rather than trade further ahead of it.
    const room = writer.room();
    if (room) await room;
    const started = performance.now();
    // Re-stepping must make the same decisions as the first time; live, a dependency down blocks new positions.
    const join = this.#options.join;
    join.holdBuys =
      !replaying && (this.#flatten !== undefined || this.#options.canOpenPositions?.() === false);
    join.sellAll = !replaying && this.#flatten !== undefined && !this.#flatten.flat;
    const review = this.#options.review;
    if (review) {
      review.observe(symbol, c);
      const reviewed = replaying ? undefined : await review.review(symbol, c, join, this.#reviewState);
      if (reviewed) this.#options.onReview?.(reviewed);
    }
    this.kernel.step(k, c.t, c.open, c.high, c.low, c.close, c.volume);
    this.#lastClose[k] = c.close;
    const booking = this.#handOver(decision, replaying, started);
    if (!replaying) this.#options.onStepped?.(symbol, c);

    if (!replaying && this.metrics) {
      const denials = this.kernel.risk.denials;
      for (; this.#denialsSeen < denials.length; this.#denialsSeen++)
        this.metrics.recordDenial(denials[this.#denialsSeen]!.code);
    } else this.#denialsSeen = this.kernel.risk.denials.length;
    if (this.#flatten && !this.#flatten.flat && this.#toFlatten().length === 0) {
      // Flat: now the halt, which would also have refused the closing orders.
      this.#flatLedgered(this.#flatten);
    }
    if (replaying) return { recorded: booking.catch((e) => this.#writeGivenUp(e)) };

    // After the clock: the equity point (the writer starts once this step is done, so it joins the
    // same batch, after the fills) and the status endpoint's view.
    const marks = this.#marks();
    // Worked out once for the ledger and the status source.
    const equityNow = this.kernel.portfolio.equity(marks).amount;
    const equity = writer.write({
      equity: [{ t: now, equity: equityNow.toFixed(), currency: this.#quote }],
    });
    if (source) {
      source.syncPortfolio(this.kernel.portfolio, marks, now, equityNow);
      // Fills booked as the candle arrived (#matchEarly) count too.
      const fillCount = this.kernel.fillCount;
      if (fillCount !== this.#fillsShown || this.#strategiesChanged()) {
        this.#fillsShown = fillCount;
        source.update({ risk: this.riskView(), strategies: this.#strategyStatus() });
      }
    }
    this.#offerRiskState();
    const recorded = Promise.all([booking, equity]).then(
      () => this.#options.onCandle?.(symbol, c),
      (e) => this.#writeGivenUp(e),
    );
    return { recorded };
  }

  /**
   * What the kernel has just done (orders placed, order events, fills), handed
   * to the ledger's writer in one batch, with their spans and metrics. Resolves
   * once the fills are durable and in the status source.
   */
  #handOver(decision: Decision, replaying: boolean, started: number): Promise<void> {
    // The kernel makes order records when read: only a step that placed orders reads them.
    const orderCount = this.kernel.orderCount;
    const placed = orderCount > this.#ordersSeen ? this.kernel.orders.slice(this.#ordersSeen) : [];
    this.#ordersSeen = orderCount;
    const orderEvents = this.#venue.takeOrderEvents();
    const fillEvents = this.#venue.takeFillEvents();
    // Handed over as the venue reported them: the writer makes the records once it takes them, behind
    // the step (in step order), and a fill kept as counts becomes a Fill only then. Their ids repeat
    // on a re-step, so nothing is written twice.
    const durable = this.#ledgerWriter.write(() =>
      this.#records(placed, this.#indexed(orderEvents), fillsOf(fillEvents)),
    );
    if (!replaying && this.metrics)
      for (const o of placed)
        this.metrics.recordOrder({ type: o.type.toLowerCase(), side: o.side === 'BUY' ? 'buy' : 'sell' });
    // Spans end when their records are durable; a write that is given up is reported by the writer.
    // A fill's decimals are made when read: by the writer, or a span, never before the fill is booked.
    if (decision.traced) {
      for (const o of placed) decision.order(o, () => durable).catch(() => undefined);
      fillEvents.forEach((event, i) => {
        decision.fill(event, () => durable.then((a) => a[i]!.result === 'applied')).catch(() => undefined);
      });
    }
    return durable.then((applied) =>
      fillEvents.forEach((event, i) => {
        const a = applied[i]!;
        if (a.result !== 'applied') return;
        const fill: Fill = { ...event.fill, orderId: this.#orderId(event.fill.orderId) };
        this.#options.source?.recordFill(fill, a.realizedPnl);
        if (replaying || !this.metrics) return;
        this.metrics.recordFill({ liquidity: fill.liquidity === 'MAKER' ? 'maker' : 'taker' });
        this.metrics.observeEventToFill((performance.now() - started) / 1000);
      }),
    );
  }

  /** Each order's events, indexed in its history (0 is the order record); called in step order. */
  #indexed(events: readonly RecordedOrderEvent[]): { orderId: string; index: number; event: OrderEvent }[] {
    return events.map(({ orderId, event }) => {
      const index = (this.#eventCount.get(orderId) ?? 0) + 1;
      this.#eventCount.set(orderId, index);
      return { orderId, index, event };
    });
  }

  /** The ledger records of what a step made (its ids carry this run's prefix). */
  #records(
    placed: readonly KernelOrder[],
    events: readonly { orderId: string; index: number; event: OrderEvent }[],
    fills: readonly Fill[],
  ): StepRecords {
    return {
      orders: placed.map(
        (o): OrderRecord => ({
          orderId: this.#orderId(o.id),
          symbol: o.symbol,
          side: o.side,
          type: o.type,
          quantity: o.quantity,
          ...(o.price === undefined ? {} : { price: o.price }),
          timeInForce: 'GTC',
          ts: o.ts,
        }),
      ),
      events: events.map(({ orderId, index, event }): OrderEventRecord => {
        const e =
          event.type === 'OrderFilled'
            ? { ...event, fill: { ...event.fill, orderId: this.#orderId(orderId) } }
            : event;
        return orderEventToRecord(this.#orderId(orderId), index, e, this.#quote);
      }),
      fills: fills.map((f) => fillToRecord({ ...f, orderId: this.#orderId(f.orderId) }, this.#quote)),
    };
  }

  /** The writer gave up on a step's records (stopping while the ledger is down): the executor has failed. */
  #writeGivenUp(error: unknown): void {
    this.#failed ??= error;
  }

  get #ledgerWriter(): WriteBehind {
    if (!this.#writer) throw new Error('the executor has not recovered yet');
    return this.#writer;
  }

  /**
   * The kernel numbers its orders from O-1 each time it starts. A seeded kernel
   * starts beside the old ledger, so its ids get a prefix for this run; a
   * re-stepped kernel makes the same orders again and the ids must stay as they
   * were (no prefix).
   */
  #orderId(id: string): string {
    return `${this.#orderIdPrefix}${id}`;
  }

  readonly #orderIdPrefix: string;

  #marks(): Marks {
    const marks: Record<string, Decimal> = {};
    this.#options.markets.forEach((m, k) => {
      const close = this.#lastClose[k]!;
      if (!Number.isNaN(close)) marks[m.symbol] = m.instrument.priceFromNumber(close);
    });
    return marks;
  }

  /** The kernel's fill count when the status source's risk view was last updated. */
  #fillsShown = 0;
  #readyKey = '';
  #strategiesChanged(): boolean {
    const key = [...this.#options.join.states.values()].map((s) => `${s.ready}`).join();
    if (key === this.#readyKey) return false;
    this.#readyKey = key;
    return true;
  }

  #strategyStatus() {
    return [...this.#options.join.states.values()].map((s) => ({
      name: s.name,
      type: s.type,
      ready: s.ready,
      lastSignal:
        s.lastSignal > 0 ? ('buy' as const) : s.lastSignal < 0 ? ('sell' as const) : ('hold' as const),
      ...(s.lastSignalTime === undefined
        ? {}
        : { lastSignalTime: new Date(s.lastSignalTime + this.#options.timeframeMs).toISOString() }),
      ...(s.ready ? {} : { message: 'warming up' }),
    }));
  }

  /** What a decision review reads of this executor. */
  readonly #reviewState: ReviewState = {
    position: (symbol) => {
      const open = this.kernel.openTrades().find((t) => t.symbol === symbol);
      return (
        open && { quantity: open.quantity, entryPrice: open.entryPrice, unrealizedPnl: open.unrealizedPnl }
      );
    },
    equity: () => this.kernel.equityDecimal().toFixed(),
    riskState: () => this.riskView().state,
  };

  riskView(): RiskView {
    const sm = this.kernel.risk.state;
    const current = sm.current;
    const state = sm.state === 'HALTED' ? 'Halted' : sm.state === 'REDUCING' ? 'Reducing' : 'Active';
    return {
      state: state === 'Reducing' && current?.code === 'COOLDOWN' ? 'CoolingDown' : state,
      ...(current ? { reason: current.reason } : {}),
      ...(current?.until === undefined ? {} : { until: new Date(current.until).toISOString() }),
    };
  }

  /** The status endpoint's trading metrics, once it exists (orders, fills, denials, event-to-fill latency). */
  metrics:
    | Pick<TradingMetrics, 'recordOrder' | 'recordFill' | 'recordDenial' | 'observeEventToFill'>
    | undefined;
  #denialsSeen = 0;

  #flatten: Flatten | undefined;

  /**
   * halt-and-flatten: opens nothing more, cancels working entries and closes
   * every position with the next candle of its symbol (the kernel's own
   * close path, so the fills are recorded like any other), then halts.
   * Answers whether it is done yet; the operator asks again until it is.
   */
  haltAndFlatten(reason: string): { done: boolean; symbols: readonly string[] } {
    if (!this.#flatten) {
      const symbols = this.#toFlatten();
      this.#flatten = { reason, symbols, flat: false, done: false };
      if (symbols.length === 0) this.#flatLedgered(this.#flatten);
    }
    return { done: this.#flatten.done, symbols: this.#flatten.symbols };
  }

  /**
   * The symbols the flatten must still see through: a position held, or an
   * order working at the venue. An entry still working when the flatten is
   * asked could fill on the next candle and open a position after the bot
   * was called flat; the flatten's sell signals cancel it (or sell what it
   * bought), and only then is the bot flat.
   */
  #toFlatten(): string[] {
    const symbols = this.kernel.openTrades().map((t) => t.symbol);
    for (const symbol of this.kernel.workingOrderSymbols())
      if (!symbols.includes(symbol)) symbols.push(symbol);
    return symbols;
  }

  /**
   * The kernel is flat: halts it, and reports the flatten done only once what
   * the ledger writer holds (the closing fills among it) is durable, since the
   * operator takes "done" as leave to stop the pods and drop the bot.
   */
  #flatLedgered(flatten: Flatten): void {
    flatten.flat = true;
    this.kernel.risk.setHalt(true, flatten.reason);
    const writer = this.#writer;
    if (!writer) {
      flatten.done = true;
      return;
    }
    writer.drained().then(
      () => {
        flatten.done = true;
      },
      () => undefined,
    );
  }

  /** A changed RiskPolicy's halt takes effect at once (other limits are the kernel's from its start). */
  setHalt(halt: boolean, reason?: string): void {
    this.kernel.risk.setHalt(halt, reason);
    this.#options.source?.update({ risk: this.riskView() });
    this.#offerRiskState();
  }

  /** The first error that stopped a candle, if any. */
  get failure(): unknown {
    return this.#failed;
  }

  /** Waits until every candle that can be processed has been, and the ledger has it. */
  async settle(): Promise<void> {
    await this.#idle;
    await this.#writer?.drained();
  }

  /**
   * Finishes the candle in progress and leaves the ones still waiting: a
   * backlog is not worth outliving the pod's grace period (a restart resumes
   * from the ledger; `botcore run` replays them).
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#md?.unsubscribe();
    await this.#signals?.unsubscribe();
    await this.#priceFeed?.unsubscribe();
    await this.#idle;
    // What is queued is still written; a ledger that is down is not waited for beyond one more try.
    await this.#writer?.finish();
    await this.#prices?.stop();
    await this.#riskState?.flush();
    this.kernel.onStop();
  }
}

/** A halt-and-flatten in progress: `flat` once the kernel holds nothing and is halted, `done` once the ledger has the closing fills too. */
interface Flatten {
  readonly reason: string;
  readonly symbols: string[];
  flat: boolean;
  done: boolean;
}

/** What a seeded kernel starts from, for the log: `cash 0.5 BTC; ETH/BTC 2.1 at 0.0981`. */
export function describeSeed(seed: StartingPortfolio, currency: string): string {
  const open = seed.positions.filter((p) => !p.quantity.isZero());
  return [
    `cash ${seed.cash.toFixed()} ${currency}`,
    ...open.map((p) => `${p.symbol} ${p.quantity.toFixed()} at ${p.averagePrice.toFixed()}`),
  ].join('; ');
}

/** What a restored risk engine starts from, for the log: `day start 1.01, peak 1.05, 2 losses in a row; HALTED by DAILY_LOSS_LIMIT until ...`. */
export function describeRisk(risk: RiskSnapshot): string {
  const locked = Object.entries(risk.stopLosses)
    .filter(([, times]) => times.length > 0)
    .map(([symbol, times]) => `${symbol} ${times.length} stop-loss${times.length === 1 ? '' : 'es'}`);
  return [
    `day start ${risk.dayStartEquity}, peak ${risk.peakEquity}, ${risk.consecutiveLosses} losses in a row`,
    ...locked,
    ...risk.restrictions.map(
      (r) =>
        `${r.state} by ${r.code} ${r.until === undefined ? 'until resumed' : `until ${new Date(r.until).toISOString()}`}`,
    ),
  ].join('; ');
}

/** The fills of a step's fill events (a fill kept as counts is made here, once). */
function fillsOf(events: readonly FillEvent[]): Fill[] {
  return events.map((e) => e.fill);
}
