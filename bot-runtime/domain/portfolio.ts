// The portfolio: cash balances per currency, a netting position per
// instrument, fees, realised and unrealised PnL, and an equity curve, all in
// one accounting currency (the quote currency of every instrument it trades,
// e.g. BTC for the *-BTC markets). Pure: marks and timestamps come in as
// arguments; nothing here reads a clock or does I/O.

import type { CountedFill } from './counted-fill.ts';
import { type Decimal, type DecimalValue, dec, ZERO } from './decimal.ts';
import { DomainError, DomainErrorCode } from './errors.ts';
import { AMOUNT_SCALE, ExactAmount, pow10n } from './exact-amount.ts';
import type { Fill } from './fill.ts';
import type { Instrument } from './instrument.ts';
import { Money } from './money.ts';
import { flatPosition, type Position, seededPosition, unrealizedPnl } from './position.ts';
import { PositionBook } from './position-book.ts';
import { decimalOfUnits, safeTimes, unitsOf } from './units.ts';

const POW10_BIG: bigint[] = [1n];
/** |u| < 10^n. */
function below(u: bigint, n: number): boolean {
  for (let i = POW10_BIG.length; i <= n; i++) POW10_BIG.push(POW10_BIG[i - 1]! * 10n);
  return u < POW10_BIG[n]! && -u < POW10_BIG[n]!;
}

/** Decimal places of a power-of-ten step (0.01 -> 2), else undefined. */
function powerOfTenPlaces(step: Decimal): number | undefined {
  const dp = step.decimalPlaces();
  return step.eq(dec(10).pow(-dp)) ? dp : undefined;
}

/** What a fill's amounts are counted in: the instrument's tick and lot places (powers of ten). */
interface Grids {
  readonly tickDp: number | undefined;
  readonly lotDp: number | undefined;
}

export interface EquityPoint {
  readonly t: number;
  readonly equity: Decimal;
}

/** Mark prices by symbol. */
export type Marks = Readonly<Record<string, DecimalValue>>;

/** An open position a portfolio starts with (a restart): signed quantity (long > 0, short < 0). */
export interface PositionSeed {
  readonly symbol: string;
  readonly quantity: Decimal;
  readonly averagePrice: Decimal;
  /** Realised PnL before fees booked so far in the symbol (default 0). */
  readonly realizedPnl?: Decimal;
}

export class Portfolio {
  readonly currency: string;
  readonly initialCash: Money;
  readonly #instruments = new Map<string, Instrument>();
  readonly #byBase = new Map<string, Instrument>();
  // Balances and fees are exact sums kept as integer counts (ExactAmount), positions
  // folded in lot and tick counts (PositionBook): the same values as Decimal sums, made when read.
  readonly #balances = new Map<string, ExactAmount>();
  readonly #positions = new Map<string, PositionBook>();
  readonly #grids = new Map<string, Grids>();
  readonly #fees = new Map<string, ExactAmount>();
  /** equityCounts' scale: 40 plus the most tick places (undefined: a tick is not a power of ten, or too fine). */
  readonly #equityScale: number | undefined;
  readonly #curve: EquityPoint[] = [];
  #fills = 0;

  /**
   * `cash` is the cash held now; `initialCash` (default `cash`) what the run
   * started with, for `netPnl`. `positions` seeds open positions (their base
   * balances with them), as a restart resumes them.
   */
  constructor(options: {
    currency: string;
    cash: DecimalValue;
    instruments: readonly Instrument[];
    positions?: readonly PositionSeed[];
    initialCash?: DecimalValue;
  }) {
    this.currency = options.currency;
    this.initialCash = new Money(options.initialCash ?? options.cash, options.currency);
    this.#balances.set(options.currency, new ExactAmount(new Money(options.cash, options.currency).amount));
    for (const inst of options.instruments) {
      if (inst.quote !== options.currency) {
        throw new DomainError(
          DomainErrorCode.CURRENCY_MISMATCH,
          `${inst.symbol} is quoted in ${inst.quote}, the portfolio accounts in ${options.currency}`,
          { symbol: inst.symbol, quote: inst.quote, currency: options.currency },
        );
      }
      this.#instruments.set(inst.symbol, inst);
      this.#byBase.set(inst.base, inst);
      const grids = { tickDp: powerOfTenPlaces(inst.tickSize), lotDp: powerOfTenPlaces(inst.lotSize) };
      this.#grids.set(inst.symbol, grids);
      this.#positions.set(
        inst.symbol,
        new PositionBook(flatPosition(inst.symbol, inst.quote), grids.tickDp, grids.lotDp),
      );
    }
    let most: number | undefined = 0;
    for (const g of this.#grids.values())
      most =
        most === undefined || g.tickDp === undefined || g.tickDp > AMOUNT_SCALE
          ? undefined
          : Math.max(most, g.tickDp);
    this.#equityScale = most === undefined ? undefined : AMOUNT_SCALE + most;
    const seeded = new Set<string>();
    for (const seed of options.positions ?? []) {
      const inst = this.#instrument(seed.symbol);
      if (seeded.has(seed.symbol))
        throw new DomainError(DomainErrorCode.ORDER_MISMATCH, `${seed.symbol} is seeded twice`, {
          symbol: seed.symbol,
        });
      seeded.add(seed.symbol);
      const position = seededPosition(seed, inst.quote);
      const grids = this.#grids.get(seed.symbol)!;
      this.#positions.set(seed.symbol, new PositionBook(position, grids.tickDp, grids.lotDp));
      if (!position.quantity.isZero()) this.#add(inst.base, position.quantity);
    }
  }

  #instrument(symbol: string): Instrument {
    const inst = this.#instruments.get(symbol);
    if (!inst)
      throw new DomainError(DomainErrorCode.UNKNOWN_INSTRUMENT, `no instrument ${symbol} in this portfolio`, {
        symbol,
      });
    return inst;
  }

  #add(currency: string, amount: Decimal): void {
    this.#sum(this.#balances, currency).plus(amount);
  }

  #sum(sums: Map<string, ExactAmount>, currency: string): ExactAmount {
    let sum = sums.get(currency);
    if (sum === undefined) {
      sum = new ExactAmount(ZERO);
      sums.set(currency, sum);
    }
    return sum;
  }

  /** Books a fill: cash moves, the position changes, the fee is charged in its own currency. */
  applyFill(fill: Fill): void {
    const inst = this.#instrument(fill.symbol);
    // Validate (through the position) before touching any balance, so a bad fill changes nothing.
    this.#positions.get(fill.symbol)!.apply(fill);
    const qty = dec(fill.quantity);
    const price = dec(fill.price);
    const buy = fill.side === 'BUY';
    if (!this.#moveCounts(inst, buy, price, qty)) {
      const notional = price.times(qty);
      if (buy) {
        this.#add(inst.quote, notional.negated());
        this.#add(inst.base, qty);
      } else {
        this.#add(inst.quote, notional);
        this.#add(inst.base, qty.negated());
      }
    }
    // minus(x) is plus(x.negated()): the same operation in decimals, and the fee counted once (unitsOfDecimal keeps it).
    this.#sum(this.#balances, fill.fee.currency).minus(fill.fee.amount);
    this.#sum(this.#fees, fill.fee.currency).plus(fill.fee.amount);
    this.#fills++;
  }

  /**
   * `applyFill(fill.fill)` from the counts, without the fill's Decimals: the
   * same moves of the same values (the fee by its count at its own places, as
   * `minus` and `plus` count a Decimal). Where a count does not fit, the
   * Decimal path books it.
   */
  applyCountedFill(fill: CountedFill): void {
    const inst = this.#instrument(fill.symbol);
    const buy = fill.side === 'BUY';
    const { lots, ticks } = fill;
    const grids = this.#grids.get(fill.symbol)!;
    // The position first (it validates); on its grids the moves below take the same counts applyFill would.
    if (!this.#positions.get(fill.symbol)!.applyCounts(buy, lots, ticks, fill.lotDp, fill.tickDp)) {
      this.applyFill(fill.fill);
      return;
    }
    if (!this.#moveLots(inst, buy, ticks, lots, grids.tickDp!, grids.lotDp!)) {
      const qty = decimalOfUnits(lots, fill.lotDp);
      const notional = decimalOfUnits(ticks, fill.tickDp).times(qty);
      this.#add(inst.quote, buy ? notional.negated() : notional);
      this.#add(inst.base, buy ? qty : qty.negated());
    }
    const balance = this.#sum(this.#balances, fill.currency);
    if (!balance.plusCount(-fill.fee, fill.feeDp)) balance.minus(decimalOfUnits(fill.fee, fill.feeDp));
    const fees = this.#sum(this.#fees, fill.currency);
    if (!fees.plusCount(fill.fee, fill.feeDp)) fees.plus(decimalOfUnits(fill.fee, fill.feeDp));
    this.#fills++;
  }

  /**
   * The cash and base moves of a fill as counts: price ticks x lots, scaled to
   * the sums' 10^-40 (the same values as the decimal notional and quantity).
   * False, with nothing moved, when a count does not fit.
   */
  #moveCounts(inst: Instrument, buy: boolean, price: Decimal, qty: Decimal): boolean {
    const { tickDp, lotDp } = this.#grids.get(inst.symbol)!;
    if (tickDp === undefined || lotDp === undefined || tickDp + lotDp > AMOUNT_SCALE) return false;
    const ticks = unitsOf(price, tickDp);
    const lots = unitsOf(qty, lotDp);
    if (Number.isNaN(ticks) || Number.isNaN(lots)) return false;
    return this.#moveLots(inst, buy, ticks, lots, tickDp, lotDp);
  }

  /** #moveCounts from the counts themselves. */
  #moveLots(
    inst: Instrument,
    buy: boolean,
    ticks: number,
    lots: number,
    tickDp: number,
    lotDp: number,
  ): boolean {
    if (tickDp + lotDp > AMOUNT_SCALE) return false;
    const cash = this.#sum(this.#balances, inst.quote);
    const held = this.#sum(this.#balances, inst.base);
    const product = safeTimes(ticks, lots);
    const moved =
      !Number.isNaN(product) && tickDp + lotDp <= 22
        ? cash.plusCount(buy ? -product : product, tickDp + lotDp)
        : cash.plusUnits(
            (buy ? -1n : 1n) * BigInt(ticks) * BigInt(lots) * pow10n(AMOUNT_SCALE - tickDp - lotDp),
          );
    if (!moved) return false;
    if (lotDp <= 22 && held.plusCount(buy ? lots : -lots, lotDp)) return true;
    // The base sum is in decimals: move it so, and the cash as counted.
    const qty = decimalOfUnits(lots, lotDp);
    held.plus(buy ? qty : qty.negated());
    return true;
  }

  get fillCount(): number {
    return this.#fills;
  }

  /** The balance's amount (what `balance(currency).amount` is), without making a Money. */
  amount(currency: string): Decimal {
    return this.#balances.get(currency)?.decimal ?? ZERO;
  }

  /** `toFloat(amount(currency))`, without making the Decimal. */
  amountFloat(currency: string): number {
    return this.#balances.get(currency)?.toFloat() ?? 0;
  }

  balance(currency: string): Money {
    return new Money(this.amount(currency), currency);
  }

  balances(): Money[] {
    return [...this.#balances].map(([c, a]) => new Money(a.decimal, c));
  }

  position(symbol: string): Position {
    this.#instrument(symbol);
    return this.#positions.get(symbol)!.position;
  }

  /** `position(symbol).averagePrice`, without making the Position. */
  averagePrice(symbol: string): Decimal {
    this.#instrument(symbol);
    return this.#positions.get(symbol)!.averagePrice;
  }

  /** `averagePrice(symbol)` as a tick count of the instrument's power-of-ten tick (NaN: not one), without making the Decimal. */
  averageTicks(symbol: string): number {
    this.#instrument(symbol);
    return this.#positions.get(symbol)!.averageTicks;
  }

  /** True when every balance but `currency`'s is zero: the equity is then that balance alone. */
  holdsOnly(currency: string): boolean {
    for (const [c, sum] of this.#balances) if (c !== currency && !sum.isZero()) return false;
    return true;
  }

  /** The signed quantity of `symbol` as a count of its lots (NaN when it is not kept as one). */
  positionLots(symbol: string): number {
    return this.#positions.get(symbol)?.lots ?? Number.NaN;
  }

  positions(): Position[] {
    return [...this.#positions.values()].map((b) => b.position);
  }

  openPositions(): Position[] {
    return this.positions().filter((p) => !p.quantity.isZero());
  }

  /** Fees paid, per currency. */
  fees(): Money[] {
    return [...this.#fees].map(([c, a]) => new Money(a.decimal, c));
  }

  realizedPnl(): Money {
    return this.positions().reduce((sum, p) => sum.plus(p.realizedPnl), Money.zero(this.currency));
  }

  unrealizedPnl(marks: Marks): Money {
    return this.openPositions().reduce(
      (sum, p) => sum.plus(unrealizedPnl(p, this.#mark(marks, p.symbol))),
      Money.zero(this.currency),
    );
  }

  #mark(marks: Marks, symbol: string): Decimal {
    const m = marks[symbol];
    if (m === undefined) {
      throw new DomainError(DomainErrorCode.UNKNOWN_INSTRUMENT, `no mark price for ${symbol}`, { symbol });
    }
    return dec(m);
  }

  /** Every balance valued in the accounting currency at the marks (a non-zero balance needs a mark). */
  equity(marks: Marks): Money {
    let total = ZERO;
    for (const [currency, sum] of this.#balances) {
      if (currency === this.currency) total = total.plus(sum.decimal);
      else if (!sum.isZero()) {
        const amount = sum.decimal;
        const inst = this.#byBase.get(currency);
        if (!inst) {
          throw new DomainError(
            DomainErrorCode.UNKNOWN_INSTRUMENT,
            `cannot value ${currency} in ${this.currency}`,
            {
              currency,
            },
          );
        }
        total = total.plus(amount.times(this.#mark(marks, inst.symbol)));
      }
    }
    return new Money(total, this.currency);
  }

  /**
   * `equity(marks).amount` as an exact count of 10^-scale (scale: 40 plus the
   * most tick places), with the marks given as tick counts (`markTicks(symbol)`,
   * NaN: none), and a bound on its significant digits. Undefined when a balance
   * or a mark is not a count, or a product or sum may have more than the 60
   * significant digits equity()'s decimals keep (then equity() decides, and
   * throws what it throws). Every term is a multiple of 10^(scale - 40 - tick
   * places) counts, so below 10^(100 - tick places) counts... see `below`.
   */
  equityCounts(
    markTicks: (symbol: string) => number,
  ): { units: bigint; scale: number; digits: number } | undefined {
    const scale = this.#equityScale;
    if (scale === undefined) return undefined;
    let total = 0n;
    // Every term is a multiple of 10^zeros counts: cash at 10^-40 is, and a base balance (10^-40) times ticks (10^-tickDp).
    let zeros = scale - AMOUNT_SCALE;
    for (const [currency, sum] of this.#balances) {
      const units = sum.units;
      if (units === undefined) return undefined;
      if (currency === this.currency) total += units * pow10n(scale - AMOUNT_SCALE);
      else if (units !== 0n) {
        const inst = this.#byBase.get(currency);
        if (inst === undefined) return undefined;
        const tickDp = this.#grids.get(inst.symbol)!.tickDp!;
        const ticks = markTicks(inst.symbol);
        if (Number.isNaN(ticks)) return undefined;
        const shift = scale - AMOUNT_SCALE - tickDp;
        const term = units * BigInt(ticks) * pow10n(shift);
        zeros = Math.min(zeros, shift);
        if (!below(term, zeros + 60)) return undefined;
        total += term;
      }
      if (!below(total, zeros + 60)) return undefined;
    }
    // The fewest digits k with |total| < 10^(zeros + k): at most k significant ones.
    let lo = 0;
    let hi = 60;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (below(total, zeros + mid)) hi = mid;
      else lo = mid + 1;
    }
    return { units: total, scale, digits: lo };
  }

  /** Everything gained or lost since the start, fees included: equity minus the initial cash. */
  netPnl(marks: Marks): Money {
    return this.equity(marks).minus(this.initialCash);
  }

  /** Appends a point to the equity curve. Times must not go backwards. */
  recordEquity(t: number, marks: Marks): EquityPoint {
    const last = this.#curve.at(-1);
    if (last && t < last.t) {
      throw new DomainError(DomainErrorCode.INVALID_AMOUNT, 'equity curve times must not go backwards', {
        t,
        last_t: last.t,
      });
    }
    const point = { t, equity: this.equity(marks).amount };
    this.#curve.push(point);
    return point;
  }

  get equityCurve(): readonly EquityPoint[] {
    return this.#curve;
  }
}
