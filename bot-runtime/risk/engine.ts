// The risk engine: the RiskPolicy's checks, the trading state, and the
// history they need (day start, equity peak, losses, stop-losses, order
// times). Every order passes `check` before it reaches a venue; the kernel
// feeds equity on every candle through a float fast path that only touches
// decimals when a limit is near.
import type { RiskPolicySpec } from '../../crds/index.ts';
import { type Decimal, dec, toFloat } from '../domain/index.ts';
import { doubleList, objectList } from '../domain/lists.ts';
import { compareDecimals } from '../domain/units.ts';
import {
  checkCooldown,
  checkCorrelatedExposure,
  checkDailyLoss,
  checkDrawdown,
  checkHalt,
  checkOpenPositions,
  checkOrderRate,
  checkPairLock,
  checkPositionSize,
} from './checks.ts';
import { type Denial, deny, formatDenial, RiskCode, type Verdict } from './denial.ts';
import type { RiskSnapshot } from './snapshot.ts';
import { TradingStateMachine } from './state.ts';

const DAY_MS = 86_400_000;
/** The stop-loss times of a symbol without any (read only; a double list like the others). */
const NO_TIMES: readonly number[] = doubleList();

/** The documented RiskPolicy defaults (`spec: {}`), for bots without a policy. */
export const DEFAULT_RISK_POLICY: RiskPolicySpec = {
  maxDailyLossPercent: '5',
  cooldown: { consecutiveLosses: 5, minutes: 60 },
  maxPositionSizePercent: '25',
  riskPerTradePercent: '2',
  stopLossPercent: '2',
  maxCorrelatedExposurePercent: '70',
  maxOpenPositions: 5,
  maxDrawdownPercent: '20',
  pairLock: { stopLosses: 2, minutes: 60 },
  maxOrdersPerMinute: 60,
  halt: false,
};

export interface OrderIntent {
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly quantity: Decimal;
  /** Reference price used to value the order. */
  readonly price: Decimal;
  /** Signed position in the symbol before the order. */
  readonly position: Decimal;
}

export interface RiskContext {
  readonly now: number;
  /** May be a getter: the checks read it only near a limit when `equityFloat` is given. */
  readonly equity: Decimal;
  /**
   * A double within a few units in the last place of `toFloat(equity)`, when the
   * caller has one without the Decimal: the checks use it only in float guards
   * with 1e-9 margins, and near a limit read the equity itself.
   */
  readonly equityFloat?: number;
  /** Open positions, signed notional at their marks. */
  readonly positions: readonly { symbol: string; notional: Decimal }[];
  /** Rolling return correlation between two symbols (NaN when unknown). */
  readonly correlation: (a: string, b: string) => number;
}

export interface RiskEngineOptions {
  /** capital.maxAllocationPercent of the capital, as an amount in the quote currency. */
  readonly maxAllocation?: Decimal;
  /** Correlation at or above which two symbols count as one direction (default 0.7). */
  readonly correlationThreshold?: number;
}

export interface DenialRecord extends Denial {
  readonly t: number;
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
}

export class RiskEngine {
  readonly policy: RiskPolicySpec;
  readonly options: RiskEngineOptions;
  readonly state = new TradingStateMachine();
  readonly denials: DenialRecord[] = objectList();
  /**
   * The band in which `onEquity` would change nothing: before `quietUntil` (the
   * day's end; -Infinity while a restriction is in force), with equity above
   * `quietLow` (the daily-loss and drawdown floors) and at most `quietHigh` (the
   * peak). The kernel skips the call inside it. Maintained by onEquity.
   */
  quietUntil = Number.NEGATIVE_INFINITY;
  quietLow = Number.POSITIVE_INFINITY;
  quietHigh = Number.NEGATIVE_INFINITY;
  /** Start of the next UTC day: the day rolls when a candle closes at or after it. */
  #nextDay = Number.NEGATIVE_INFINITY;
  #dayStart = 0;
  #dailyFloor = Number.NEGATIVE_INFINITY;
  #peak = 0;
  #ddFloor = Number.NEGATIVE_INFINITY;
  readonly #dailyFactor: number;
  readonly #ddFactor: number;
  #consecutiveLosses = 0;
  #lastLossAt = Number.NEGATIVE_INFINITY;
  readonly #stopLosses = new Map<string, number[]>();
  readonly #orderTimes: number[] = doubleList();

  constructor(policy: RiskPolicySpec = DEFAULT_RISK_POLICY, options: RiskEngineOptions = {}) {
    this.policy = policy;
    this.options = options;
    this.#dailyFactor = 1 - Number(policy.maxDailyLossPercent) / 100;
    this.#ddFactor = 1 - Number(policy.maxDrawdownPercent) / 100;
    if (policy.halt) this.setHalt(true, policy.haltReason);
  }

  /** spec.halt changed (or was set at start). */
  setHalt(halt: boolean, reason?: string): void {
    this.quietUntil = Number.NEGATIVE_INFINITY;
    if (halt)
      this.state.restrict({
        state: 'HALTED',
        code: RiskCode.HALT,
        reason: reason ?? 'emergency halt',
        until: undefined,
      });
    else this.state.lift(RiskCode.HALT);
  }

  get consecutiveLosses(): number {
    return this.#consecutiveLosses;
  }

  get dayStartEquity(): number {
    return this.#dayStart;
  }

  get peakEquity(): number {
    return this.#peak;
  }

  /**
   * Equity at a candle's close. Rolls the UTC day, tracks the peak, and halts
   * on the daily loss (until 00:00 UTC) or the drawdown (until resumed).
   */
  onEquity(now: number, equity: number): void {
    if (now >= this.#nextDay || now < this.#nextDay - DAY_MS) {
      this.#nextDay = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
      this.#dayStart = equity;
      this.#dailyFloor = equity * this.#dailyFactor;
    }
    if (equity > this.#peak) {
      this.#peak = equity;
      this.#ddFloor = equity * this.#ddFactor;
    }
    // Float guards first; the decimal checks decide (and give the figures).
    if (equity <= this.#dailyFloor * (1 + 1e-12) && !this.state.has(RiskCode.DAILY_LOSS_LIMIT)) {
      const v = checkDailyLoss(dec(this.#dayStart), dec(equity), this.policy.maxDailyLossPercent);
      if (v)
        this.state.restrict({
          state: 'HALTED',
          code: v.code,
          reason: formatDenial(v),
          until: this.#nextDay,
        });
    }
    if (equity <= this.#ddFloor * (1 + 1e-12) && !this.state.has(RiskCode.MAX_DRAWDOWN)) {
      const v = checkDrawdown(dec(this.#peak), dec(equity), this.policy.maxDrawdownPercent);
      if (v)
        this.state.restrict({ state: 'HALTED', code: v.code, reason: formatDenial(v), until: undefined });
    }
    this.state.tick(now);
    this.#quiet();
  }

  #quiet(): void {
    this.quietUntil = this.state.restrictions.length === 0 ? this.#nextDay : Number.NEGATIVE_INFINITY;
    this.quietLow = Math.max(this.#dailyFloor, this.#ddFloor) * (1 + 1e-12);
    this.quietHigh = this.#peak;
  }

  /**
   * A round trip closed with `pnl` (fees included; only its sign is read, so a
   * number of the same sign will do); `stopLoss` when the protective stop closed it.
   */
  onTradeClosed(now: number, symbol: string, pnl: Decimal | number, stopLoss: boolean): void {
    if (typeof pnl === 'number' ? pnl < 0 : pnl.isNegative() && !pnl.isZero()) {
      this.#consecutiveLosses++;
      this.#lastLossAt = now;
      const v = checkCooldown(this.#consecutiveLosses, now, now, this.policy.cooldown);
      if (v) {
        this.quietUntil = Number.NEGATIVE_INFINITY;
        this.state.restrict({
          state: 'REDUCING',
          code: RiskCode.COOLDOWN,
          reason: formatDenial(v),
          until: now + this.policy.cooldown.minutes * 60_000,
        });
      }
    } else {
      this.#consecutiveLosses = 0;
    }
    if (stopLoss) {
      const list = this.#stopLosses.get(symbol) ?? doubleList();
      list.push(now);
      if (list.length > this.policy.pairLock.stopLosses) list.shift();
      this.#stopLosses.set(symbol, list);
    }
  }

  /**
   * Checks one order. The trading state gates first (HALTED denies everything,
   * REDUCING everything that does not reduce a position), then the order rate,
   * then, for orders that add exposure, every other limit. An allowed order is
   * counted for the order rate; a denial is recorded with its figures.
   */
  check(intent: OrderIntent, ctx: RiskContext): Verdict {
    return this.#checked(intent, ctx, false);
  }

  /**
   * `check` for an order whose `precheck` (its symbol, `ctx.now`) has just
   * allowed it, with nothing told to the engine since: the kernel's entries,
   * which precheck before sizing. The gate reads only what setHalt, onEquity,
   * onTradeClosed and an allowed check change, and a gate that allows an order
   * that adds also allows one that reduces, so its answer stands and it is not
   * asked a second time.
   */
  checkPrechecked(intent: OrderIntent, ctx: RiskContext): Verdict {
    return this.#checked(intent, ctx, true);
  }

  #checked(intent: OrderIntent, ctx: RiskContext, gated: boolean): Verdict {
    const v = this.#evaluate(intent, ctx, gated);
    if (v) this.denials.push({ ...v, t: ctx.now, symbol: intent.symbol, side: intent.side });
    else {
      this.#orderTimes.push(ctx.now);
      while (this.#orderTimes.length > 0 && this.#orderTimes[0]! <= ctx.now - 60_000)
        this.#orderTimes.shift();
    }
    return v;
  }

  /**
   * The checks that need neither a size nor a decimal: the halt, the trading
   * state, the order rate, and for an order that adds exposure the cooldown and
   * the pair lock. `check` runs them first; the kernel also runs them before
   * sizing an entry (`precheck`), so a halted bot spends nothing on its signals.
   */
  #gate(symbol: string, reduces: boolean, now: number): Verdict {
    const p = this.policy;
    this.state.tick(now);
    const halt = checkHalt(this.state.has(RiskCode.HALT), p.haltReason);
    if (halt) return halt;
    const state = this.state.state;
    if (state === 'HALTED') {
      const c = this.state.current!;
      return deny(RiskCode.TRADING_HALTED, { state, by: c.code, reason: c.reason });
    }
    const rate = checkOrderRate(this.#orderTimes, now, p.maxOrdersPerMinute);
    if (rate) return rate;
    if (reduces) return undefined;
    if (state === 'REDUCING') {
      const c = this.state.current!;
      const until = c.until === undefined ? 'resumed' : new Date(c.until).toISOString();
      // A cooldown denies as COOLDOWN for as long as it runs, whatever trades close meanwhile.
      if (c.code === RiskCode.COOLDOWN) return deny(RiskCode.COOLDOWN, { state, until, reason: c.reason });
      return deny(RiskCode.REDUCE_ONLY, { state, by: c.code, until, reason: c.reason });
    }
    const cool = checkCooldown(this.#consecutiveLosses, this.#lastLossAt, now, p.cooldown);
    if (cool) return cool;
    return checkPairLock(symbol, this.#stopLosses.get(symbol) ?? NO_TIMES, now, p.pairLock);
  }

  /** The cheap part of `check` for an order that opens or adds; a denial is recorded. */
  precheck(symbol: string, side: 'BUY' | 'SELL', now: number): Verdict {
    const v = this.#gate(symbol, false, now);
    if (v) this.denials.push({ ...v, t: now, symbol, side });
    return v;
  }

  /** The verdict on one order; `gated`: its gate has allowed it already (checkPrechecked). */
  #evaluate(intent: OrderIntent, ctx: RiskContext, gated: boolean): Verdict {
    const p = this.policy;
    // Selling the whole long position leaves nothing: it reduces (what the sum below finds, without it).
    if (
      intent.side === 'SELL' &&
      !intent.position.isZero() &&
      intent.position.isPositive() &&
      compareDecimals(intent.quantity, intent.position) === 0
    )
      return gated ? undefined : this.#gate(intent.symbol, true, ctx.now);
    const signedQty = intent.side === 'BUY' ? intent.quantity : intent.quantity.negated();
    const after = intent.position.isZero() ? signedQty : intent.position.plus(signedQty);
    // A close (nothing left after) reduces without comparing sizes.
    const reduces =
      !intent.position.isZero() &&
      (after.isZero() ||
        (after.abs().lte(intent.position.abs()) && after.isPositive() === intent.position.isPositive()));
    const gate = gated ? undefined : this.#gate(intent.symbol, reduces, ctx.now);
    if (gate || reduces) return gate;
    // The decimal checks run only near a limit (the float floors say when); they decide.
    let eqF = ctx.equityFloat ?? toFloat(ctx.equity);
    // Near a floor the decimal checks run, and read the double too (the drawdown's peak): the exact one then.
    if (ctx.equityFloat !== undefined && eqF <= Math.max(this.#dailyFloor, this.#ddFloor) * (1 + 1e-8))
      eqF = toFloat(ctx.equity);
    const daily =
      eqF <= this.#dailyFloor * (1 + 1e-9)
        ? checkDailyLoss(dec(this.#dayStart), ctx.equity, p.maxDailyLossPercent)
        : undefined;
    if (daily) return daily;
    const dd =
      eqF <= this.#ddFloor * (1 + 1e-9)
        ? checkDrawdown(dec(Math.max(this.#peak, eqF)), ctx.equity, p.maxDrawdownPercent)
        : undefined;
    if (dd) return dd;
    const open = ctx.positions.filter((x) => !x.notional.isZero()).length;
    const opens = checkOpenPositions(open, intent.position.isZero(), p.maxOpenPositions);
    if (opens) return opens;
    const direction = after.isNegative() ? -1 : 1;
    if (this.#clearlyWithin(intent, after, direction, eqF, ctx)) return undefined;
    const resulting = after.times(intent.price);
    const size = checkPositionSize(resulting, ctx.equity, {
      maxPositionSizePercent: p.maxPositionSizePercent,
      maxPositionNotional: p.maxPositionNotional,
      maxAllocation: this.options.maxAllocation,
    });
    if (size) return size;
    const others = ctx.positions.map((x) => ({
      symbol: x.symbol,
      notional: x.notional,
      correlation: ctx.correlation(intent.symbol, x.symbol),
    }));
    return checkCorrelatedExposure(
      intent.symbol,
      direction,
      resulting,
      others,
      ctx.equity,
      p.maxCorrelatedExposurePercent,
      this.options.correlationThreshold ?? 0.7,
    );
  }

  /**
   * The position size and correlated exposure checks' float guard: true when
   * the resulting notional, and the exposure with it, are below their caps by
   * more than float error can hide (1e-9 apart), so both checks would allow.
   */
  #clearlyWithin(
    intent: OrderIntent,
    after: Decimal,
    direction: 1 | -1,
    eqF: number,
    ctx: RiskContext,
  ): boolean {
    const p = this.policy;
    const resultingF = Math.abs(toFloat(after) * toFloat(intent.price));
    if (!(eqF > 0 && eqF < 1e300 && resultingF < 1e300)) return false;
    let cap = (eqF * this.#fraction(p.maxPositionSizePercent)) / 100;
    if (p.maxPositionNotional !== undefined) cap = Math.min(cap, this.#fraction(p.maxPositionNotional));
    if (this.options.maxAllocation !== undefined) {
      this.#maxAllocationF ??= toFloat(this.options.maxAllocation);
      cap = Math.min(cap, this.#maxAllocationF);
    }
    if (!(resultingF < cap * (1 - 1e-9))) return false;
    let total = resultingF;
    const threshold = this.options.correlationThreshold ?? 0.7;
    for (const x of ctx.positions) {
      if (x.symbol === intent.symbol || x.notional.isZero()) continue;
      if ((x.notional.isPositive() ? 1 : -1) !== direction) continue;
      if (!(ctx.correlation(intent.symbol, x.symbol) >= threshold)) continue;
      total += Math.abs(toFloat(x.notional));
    }
    return total < ((eqF * this.#fraction(p.maxCorrelatedExposurePercent)) / 100) * (1 - 1e-9);
  }

  #maxAllocationF: number | undefined;
  readonly #fractions = new Map<string, number>();
  /** A policy figure's text as a double, parsed once. */
  #fraction(text: string): number {
    let f = this.#fractions.get(text);
    if (f === undefined) {
      f = Number(text);
      this.#fractions.set(text, f);
    }
    return f;
  }

  /** What the engine remembers as it stands at `now`, for a restart (risk/snapshot.ts). */
  snapshot(now: number): RiskSnapshot {
    return {
      nextDay: this.#nextDay,
      dayStartEquity: this.#dayStart,
      peakEquity: this.#peak,
      consecutiveLosses: this.#consecutiveLosses,
      lastLossAt: this.#lastLossAt,
      stopLosses: Object.fromEntries([...this.#stopLosses].map(([symbol, times]) => [symbol, [...times]])),
      orderTimes: this.#orderTimes.filter((t) => t > now - 60_000),
      restrictions: this.state.restrictions.filter(
        (r) => r.code !== RiskCode.HALT && (r.until === undefined || now < r.until),
      ),
    };
  }

  /**
   * Takes over what an engine before a restart remembered (risk/restore.ts
   * rebuilds it from the ledger). Call before the first candle; the policy's
   * own halt stays as the constructor set it.
   */
  restore(s: RiskSnapshot): void {
    this.#nextDay = s.nextDay;
    this.#dayStart = s.dayStartEquity;
    this.#dailyFloor = Number.isFinite(s.nextDay)
      ? s.dayStartEquity * this.#dailyFactor
      : Number.NEGATIVE_INFINITY;
    this.#peak = s.peakEquity;
    this.#ddFloor = s.peakEquity > 0 ? s.peakEquity * this.#ddFactor : Number.NEGATIVE_INFINITY;
    this.#consecutiveLosses = s.consecutiveLosses;
    this.#lastLossAt = s.lastLossAt;
    this.#stopLosses.clear();
    for (const [symbol, times] of Object.entries(s.stopLosses)) this.#stopLosses.set(symbol, [...times]);
    this.#orderTimes.length = 0;
    this.#orderTimes.push(...s.orderTimes);
    for (const r of s.restrictions) if (r.code !== RiskCode.HALT) this.state.restrict(r);
    this.#quiet();
  }

  /** Records a denial decided outside the checks (sizing), so reports count it with the rest. */
  record(d: Denial, now: number, symbol: string, side: 'BUY' | 'SELL'): void {
    this.denials.push({ ...d, t: now, symbol, side });
  }

  /** Denials counted by code, for reports. */
  denialCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const d of this.denials) out[d.code] = (out[d.code] ?? 0) + 1;
    return out;
  }
}
