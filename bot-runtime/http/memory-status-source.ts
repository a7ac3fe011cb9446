// A BotStatusSource that keeps the bot's figures in memory: the latest
// status, the open positions, the most recent trades (a bounded ring) and the
// equity curve (bounded too). The process that trades feeds it (fills,
// equity points, a Portfolio after each fill, risk and phase changes); the
// status endpoint reads it and streams every change to its subscribers.

import { trace } from '@opentelemetry/api';
import type { StrategyStatus } from '../../crds/index.ts';
import {
  type DecimalValue,
  dec,
  type Fill,
  type Marks,
  type Portfolio,
  positionSide,
  unrealizedPnl,
} from '../domain/index.ts';
import {
  type BotPhase,
  type BotRef,
  type BotStatusSource,
  type BotStatusView,
  type DependencyHealth,
  type EquityPointView,
  type EquityQuery,
  type EquitySeries,
  InvalidCursorError,
  type PositionView,
  type RiskView,
  type SourceHealth,
  type StatusEvent,
  type StatusListener,
  type TradesPage,
  type TradesQuery,
  type TradeView,
  type Unsubscribe,
} from './status-source.ts';

const DAY_MS = 86_400_000;

export interface MemoryStatusSourceOptions {
  readonly bot: BotRef;
  readonly mode?: 'paper' | 'live';
  readonly currency: string;
  /** Equity at the start: the base of `pnlTotal` (and of `pnlToday` on the first day). */
  readonly initialEquity: DecimalValue;
  /** Most trades kept for `/trades`; older ones are dropped. */
  readonly tradeCapacity?: number;
  /** Most equity points kept. */
  readonly equityCapacity?: number;
  /** Epoch ms; decides `lastUpdateTime` and when `tradesToday` starts again. */
  readonly now?: () => number;
  /** How a venue symbol (`ETHBTC`) is shown (`ETH/BTC`); identity when absent. */
  readonly displaySymbol?: (symbol: string) => string;
}

/** A fixed-capacity FIFO whose items keep a global, ever-increasing index. */
class Ring<T> {
  readonly #items: (T | undefined)[];
  #head = 0;
  #size = 0;
  /** Global index of the next item pushed. */
  #next = 0;

  constructor(capacity: number) {
    this.#items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    const cap = this.#items.length;
    this.#items[(this.#head + this.#size) % cap] = item;
    if (this.#size < cap) this.#size++;
    else this.#head = (this.#head + 1) % cap;
    this.#next++;
  }

  /** Replaces the newest item. */
  replaceLast(item: T): void {
    if (this.#size === 0) throw new RangeError('ring is empty');
    this.#items[(this.#head + this.#size - 1) % this.#items.length] = item;
  }

  get size(): number {
    return this.#size;
  }
  /** Global index of the oldest item kept. */
  get first(): number {
    return this.#next - this.#size;
  }
  /** Global index one past the newest item. */
  get end(): number {
    return this.#next;
  }
  /** The item at a global index, which must be in [first, end). */
  at(index: number): T {
    return this.#items[(this.#head + index - this.first) % this.#items.length] as T;
  }
  last(): T | undefined {
    return this.#size === 0 ? undefined : this.at(this.#next - 1);
  }
}

const CURSOR = /^t([0-9]{1,15})$/;

function encodeCursor(index: number): string {
  return Buffer.from(`t${index}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const m = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!m) throw new InvalidCursorError();
  return Number(m[1]);
}

const dayOf = (t: number): number => Math.floor(t / DAY_MS);

export class MemoryStatusSource implements BotStatusSource {
  readonly bot: BotRef;
  readonly #mode: 'paper' | 'live';
  readonly #currency: string;
  readonly #initialEquity: string;
  readonly #now: () => number;
  readonly #display: (symbol: string) => string;
  readonly #trades: Ring<TradeView>;
  readonly #equity: Ring<EquityPointView>;
  readonly #listeners = new Set<StatusListener>();
  readonly #dependencies = new Map<string, DependencyHealth>();

  #phase: BotPhase = 'Running';
  #risk: RiskView = { state: 'Active' };
  #strategies: StrategyStatus[] = [];
  #positions: PositionView[] = [];
  #equityNow: string;
  #dayStartEquity: string;
  #equityDay: number | undefined;
  #tradesDay: number | undefined;
  #tradesToday = 0;
  #updatedAt: number;
  #ready = true;
  #view: BotStatusView | undefined;
  #viewDay = -1;

  constructor(options: MemoryStatusSourceOptions) {
    this.bot = { namespace: options.bot.namespace, name: options.bot.name };
    this.#mode = options.mode ?? 'paper';
    this.#currency = options.currency;
    this.#initialEquity = dec(options.initialEquity).toFixed();
    this.#equityNow = this.#initialEquity;
    this.#dayStartEquity = this.#initialEquity;
    this.#now = options.now ?? Date.now;
    this.#display = options.displaySymbol ?? ((s) => s);
    this.#trades = new Ring(positiveInt(options.tradeCapacity ?? 10_000, 'tradeCapacity'));
    this.#equity = new Ring(positiveInt(options.equityCapacity ?? 100_000, 'equityCapacity'));
    this.#updatedAt = this.#now();
  }

  // ---- read side (BotStatusSource) ----

  status(): BotStatusView {
    const today = dayOf(this.#now());
    if (this.#view && this.#viewDay === today) return this.#view;
    const equity = dec(this.#equityNow);
    const dayStart = this.#equityDay === today ? this.#dayStartEquity : this.#equityNow;
    const view: BotStatusView = {
      bot: this.bot,
      mode: this.#mode,
      phase: this.#phase,
      currency: this.#currency,
      equity: this.#equityNow,
      pnlToday: equity.minus(dec(dayStart)).toFixed(),
      pnlTotal: equity.minus(dec(this.#initialEquity)).toFixed(),
      openPositions: this.#positions.length,
      tradesToday: this.#tradesDay === today ? this.#tradesToday : 0,
      risk: this.#risk,
      strategies: this.#strategies,
      lastUpdateTime: new Date(this.#updatedAt).toISOString(),
    };
    this.#view = view;
    this.#viewDay = today;
    return view;
  }

  positions(): PositionView[] {
    return this.#positions;
  }

  trades(query: TradesQuery): TradesPage {
    const ring = this.#trades;
    let end = ring.end;
    if (query.cursor !== undefined) {
      const at = decodeCursor(query.cursor);
      if (at > ring.end) throw new InvalidCursorError();
      end = at;
    }
    end = Math.max(end, ring.first);
    const start = Math.max(ring.first, end - query.limit);
    const items: TradeView[] = [];
    for (let i = end - 1; i >= start; i--) items.push(ring.at(i));
    return start > ring.first ? { items, nextCursor: encodeCursor(start) } : { items };
  }

  equity(query: EquityQuery): EquitySeries {
    const ring = this.#equity;
    const lo = query.from === undefined ? ring.first : this.#searchEquity(query.from);
    const hi = query.to === undefined ? ring.end : this.#searchEquity(query.to + 1);
    if (hi <= lo) return { currency: this.#currency, step: query.step ?? 0, points: [] };
    let step = query.step ?? 0;
    if (step === 0 && hi - lo <= query.maxPoints) {
      const points: EquityPointView[] = [];
      for (let i = lo; i < hi; i++) points.push(ring.at(i));
      return { currency: this.#currency, step: 0, points };
    }
    const span = ring.at(hi - 1).t - ring.at(lo).t;
    if (step === 0) step = Math.max(1, Math.ceil(span / Math.max(1, query.maxPoints - 1)));
    for (;;) {
      const points = bucketLast(ring, lo, hi, step);
      if (points.length <= query.maxPoints) return { currency: this.#currency, step, points };
      step *= 2;
    }
  }

  subscribe(listener: StatusListener): Unsubscribe {
    // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
    const wrapped: StatusListener = (e) => listener(e);
    this.#listeners.add(wrapped);
    return () => {
      this.#listeners.delete(wrapped);
    };
  }

  health(): SourceHealth {
    return { ready: this.#ready, dependencies: [...this.#dependencies.values()] };
  }

  /** Number of live subscriptions (the status endpoint holds one, whatever its number of clients). */
  get subscriberCount(): number {
    return this.#listeners.size;
  }

  // ---- write side (the trading process) ----

  /** Changes the phase, the risk state or the strategies' readiness, and streams the new status. */
  update(patch: {
    readonly phase?: BotPhase;
    readonly risk?: RiskView;
    readonly strategies?: readonly StrategyStatus[];
  }): void {
    if (patch.phase !== undefined) this.#phase = patch.phase;
    if (patch.risk !== undefined) this.#risk = { ...patch.risk };
    if (patch.strategies !== undefined) this.#strategies = patch.strategies.map((s) => ({ ...s }));
    this.#touch();
    this.#publishStatus();
  }

  setPositions(positions: readonly PositionView[]): void {
    this.#positions = positions.map((p) => ({ ...p }));
    this.#touch();
    this.#emit({ type: 'positions', positions: this.#positions });
  }

  /** Appends an equity point (times must not go backwards; an equal time replaces the last point). */
  recordEquity(t: number, equity: DecimalValue): EquityPointView {
    if (!Number.isSafeInteger(t) || t < 0) throw new RangeError(`equity time must be epoch ms, got ${t}`);
    const value = dec(equity);
    if (!value.isFinite()) throw new RangeError('equity must be finite');
    const last = this.#equity.last();
    if (last && t < last.t) throw new RangeError(`equity time ${t} is before the last point ${last.t}`);
    const point = { t, equity: value.toFixed() };
    const day = dayOf(t);
    if (this.#equityDay !== day) {
      // The day starts from where the previous one ended (the initial equity on the first day).
      this.#dayStartEquity = this.#equityNow;
      this.#equityDay = day;
    }
    if (last && last.t === t) this.#equity.replaceLast(point);
    else this.#equity.push(point);
    this.#equityNow = point.equity;
    this.#touch();
    this.#emit({ type: 'equity', point });
    return point;
  }

  /** Records a trade (one of our fills). */
  recordTrade(trade: TradeView): TradeView {
    const view = { ...trade };
    this.#trades.push(view);
    const day = dayOf(Date.parse(view.time));
    if (day === this.#tradesDay) this.#tradesToday++;
    else if (this.#tradesDay === undefined || day > this.#tradesDay) {
      this.#tradesDay = day;
      this.#tradesToday = 1;
    }
    this.#touch();
    this.#emit({ type: 'trade', trade: view });
    return view;
  }

  /** Records a domain fill as a trade. */
  recordFill(fill: Fill, realizedPnl?: DecimalValue): TradeView {
    return this.recordTrade({
      id: fill.tradeId,
      orderId: fill.orderId,
      symbol: this.#display(fill.symbol),
      side: fill.side === 'BUY' ? 'buy' : 'sell',
      quantity: dec(fill.quantity).toFixed(),
      price: dec(fill.price).toFixed(),
      fee: fill.fee.amount.toFixed(),
      feeCurrency: fill.fee.currency,
      liquidity: fill.liquidity === 'MAKER' ? 'maker' : 'taker',
      time: new Date(fill.ts).toISOString(),
      ...(realizedPnl !== undefined ? { realizedPnl: dec(realizedPnl).toFixed() } : {}),
    });
  }

  /**
   * Takes positions and equity from a domain Portfolio at the given marks
   * (every open position needs one), records the equity point at `t`, and
   * streams the positions, the point and the status. `equity`, when given, is
   * `portfolio.equity(marks).amount` already worked out by the caller.
   */
  syncPortfolio(portfolio: Portfolio, marks: Marks, t: number, equity?: DecimalValue): void {
    const positions: PositionView[] = portfolio.openPositions().map((p) => {
      const mark = marks[p.symbol];
      return {
        symbol: this.#display(p.symbol),
        side: positionSide(p) === 'SHORT' ? 'short' : 'long',
        quantity: p.quantity.abs().toFixed(),
        entryPrice: p.averagePrice.toFixed(),
        ...(mark !== undefined
          ? { markPrice: dec(mark).toFixed(), unrealizedPnl: unrealizedPnl(p, dec(mark)).amount.toFixed() }
          : {}),
        realizedPnl: p.realizedPnl.amount.toFixed(),
      };
    });
    this.setPositions(positions);
    this.recordEquity(t, equity ?? portfolio.equity(marks).amount);
    this.#publishStatus();
  }

  setDependency(name: string, health: { ok: boolean; required?: boolean; detail?: string }): void {
    this.#dependencies.set(name, {
      name,
      ok: health.ok,
      required: health.required ?? true,
      ...(health.detail !== undefined ? { detail: health.detail } : {}),
    });
  }

  setReady(ready: boolean): void {
    this.#ready = ready;
  }

  // ---- internals ----

  #searchEquity(t: number): number {
    // First global index whose point time is >= t.
    let lo = this.#equity.first;
    let hi = this.#equity.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#equity.at(mid).t < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #touch(): void {
    this.#updatedAt = this.#now();
    this.#view = undefined;
  }

  #publishStatus(): void {
    // Nobody listening: status() builds the same view when it is read (every write clears the cached one).
    if (this.#listeners.size === 0) return;
    this.#emit({ type: 'status', status: this.status() });
  }

  #emit(event: StatusEvent): void {
    if (this.#listeners.size === 0) return;
    // Recorded inside a span (the executor's fill, say): the update carries it, so that the stream's
    // fan-out links back to it.
    const active = trace.getActiveSpan();
    if (active) event = { ...event, trace: active.spanContext() };
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A subscriber's failure is its own; the source and the other subscribers go on.
      }
    }
  }
}

function bucketLast(ring: Ring<EquityPointView>, lo: number, hi: number, step: number): EquityPointView[] {
  const points: EquityPointView[] = [];
  let bucket = Number.NaN;
  for (let i = lo; i < hi; i++) {
    const p = ring.at(i);
    const b = Math.floor(p.t / step);
    if (b === bucket) points[points.length - 1] = p;
    else {
      points.push(p);
      bucket = b;
    }
  }
  return points;
}

function positiveInt(n: number, name: string): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
  return n;
}
