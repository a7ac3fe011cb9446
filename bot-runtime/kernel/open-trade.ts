// A round trip while it is open: what was bought and sold, for how much, and
// the fees, as exact sums (ExactAmount: integer counts while they fit, the
// same values as Decimal sums). Its record is made once, when it closes.

import {
  AMOUNT_SCALE,
  ExactAmount,
  floatOfAmountUnits,
  floatOfScaledUnits,
  formatCount,
  pow10n,
  textAndFloat,
} from '../domain/exact-amount.ts';
import { type Decimal, dec, ZERO } from '../domain/index.ts';
import { decimalOfUnits, pow10, safeTimes } from '../domain/units.ts';

export type ExitReason = 'signal' | 'stopLoss';

export interface TradeRecord {
  readonly symbol: string;
  readonly strategies: readonly string[];
  readonly entryTime: number;
  readonly exitTime: number;
  readonly quantity: string;
  readonly entryPrice: string;
  readonly exitPrice: string;
  /** Net of fees, in the quote currency. */
  readonly pnl: string;
  /** pnl / entry cost (fees included), as a ratio. */
  readonly return: number;
  readonly fees: string;
  readonly exitReason: ExitReason;
}

/** `a / b` of two doubles to 12 significant digits, as text: average prices shown in reports (not used in any sum). */
export function displayRatio(a: number, b: number): string {
  const text = (a / b).toPrecision(12);
  // toPrecision writes small and large numbers with an exponent; the report never does.
  if (text.includes('e')) return dec(text).toFixed();
  if (!text.includes('.')) return text;
  // The trailing zeros, and the point if nothing is left after it.
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  if (text.charCodeAt(end - 1) === 46) end--;
  return text.slice(0, end);
}

/** price x quantity as a count of 10^-40 from a tick and a lot count (undefined when either is not one). */
export function notionalUnits(
  ticks: number,
  tickDp: number,
  lots: number,
  lotDp: number,
): bigint | undefined {
  if (Number.isNaN(ticks) || Number.isNaN(lots) || tickDp + lotDp > AMOUNT_SCALE) return undefined;
  const product = safeTimes(ticks, lots);
  const exact = Number.isNaN(product) ? BigInt(ticks) * BigInt(lots) : BigInt(product);
  return exact * pow10n(AMOUNT_SCALE - tickDp - lotDp);
}

/**
 * `[proceeds - cost - fees, cost + fees, scale]` as safe-integer counts of
 * 10^-scale when all three sums are such counts and every step stays safe;
 * undefined otherwise.
 */
function smallDifference(
  proceeds: ExactAmount,
  cost: ExactAmount,
  fees: ExactAmount,
): [number, number, number] | undefined {
  const a = proceeds.smallCount;
  const b = cost.smallCount;
  const f = fees.smallCount;
  if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(f)) return undefined;
  const scale = Math.max(proceeds.smallScale, cost.smallScale, fees.smallScale);
  const pa = a * pow10(scale - proceeds.smallScale);
  const pb = b * pow10(scale - cost.smallScale);
  const pf = f * pow10(scale - fees.smallScale);
  const p = pa - pb - pf;
  const c = pb + pf;
  const safe = Number.MAX_SAFE_INTEGER;
  // A double below 2^53 is exact; a result past it shows as past it.
  if (Math.abs(pa) > safe || Math.abs(pb) > safe || Math.abs(pf) > safe) return undefined;
  if (Math.abs(pa - pb) > safe || Math.abs(p) > safe || Math.abs(c) > safe) return undefined;
  return [p, c, scale];
}

/**
 * `[proceeds - cost - fees, cost + fees, scale]` as BigInt counts of 10^-scale
 * when all three sums are safe-integer counts (whose difference is not one):
 * exact, and smaller BigInts than their counts of 10^-40. Undefined otherwise.
 */
function wideDifference(
  proceeds: ExactAmount,
  cost: ExactAmount,
  fees: ExactAmount,
): [bigint, bigint, number] | undefined {
  const a = proceeds.smallCount;
  const b = cost.smallCount;
  const f = fees.smallCount;
  if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(f)) return undefined;
  const scale = Math.max(proceeds.smallScale, cost.smallScale, fees.smallScale);
  const pb = BigInt(b) * pow10n(scale - cost.smallScale);
  const pf = BigInt(f) * pow10n(scale - fees.smallScale);
  return [BigInt(a) * pow10n(scale - proceeds.smallScale) - pb - pf, pb + pf, scale];
}

/**
 * The sign (-1, 0, 1) of proceeds - cost - fees from the safe counts' doubles
 * at their common scale; NaN when a sum is not such a count, or when rounding
 * might have changed the sign. While every term and difference stays within
 * 2^53 nothing rounds and the sign is exact (what smallDifference checks).
 * Otherwise each term is one rounded product (a count times an exact 10^d) and
 * each difference one rounding, so the result is within
 * 3.01 x 2^-53 x (|pa| + |pb| + |pf|) of the exact difference: a result beyond
 * 2^-50 x that sum (8 x 2^-53, room for the sum's own rounding) has its sign.
 */
function floatSign(proceeds: ExactAmount, cost: ExactAmount, fees: ExactAmount): number {
  const a = proceeds.smallCount;
  const b = cost.smallCount;
  const f = fees.smallCount;
  if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(f)) return Number.NaN;
  const scale = Math.max(proceeds.smallScale, cost.smallScale, fees.smallScale);
  const pa = a * pow10(scale - proceeds.smallScale);
  const pb = b * pow10(scale - cost.smallScale);
  const pf = f * pow10(scale - fees.smallScale);
  const p = pa - pb - pf;
  const safe = Number.MAX_SAFE_INTEGER;
  const exact =
    Math.abs(pa) <= safe &&
    Math.abs(pb) <= safe &&
    Math.abs(pf) <= safe &&
    Math.abs(pa - pb) <= safe &&
    Math.abs(p) <= safe;
  if (exact) return p < 0 ? -1 : p > 0 ? 1 : 0;
  const margin = (Math.abs(pa) + Math.abs(pb) + Math.abs(pf)) * 2 ** -50;
  return p > margin ? 1 : p < -margin ? -1 : Number.NaN;
}

export class OpenTrade {
  strategies: readonly string[];
  entryTime: number;
  exitReason: ExitReason = 'signal';
  readonly bought: ExactAmount;
  readonly cost: ExactAmount;
  readonly sold = new ExactAmount(ZERO);
  readonly proceeds = new ExactAmount(ZERO);
  readonly fees = new ExactAmount(ZERO);

  constructor(
    strategies: readonly string[],
    entryTime: number,
    bought: Decimal = ZERO,
    cost: Decimal = ZERO,
  ) {
    this.strategies = strategies;
    this.entryTime = entryTime;
    this.bought = new ExactAmount(bought);
    this.cost = new ExactAmount(cost);
  }

  /**
   * This trade made `new OpenTrade(strategies, entryTime)` again, its five
   * sums at zero: the kernel reuses a closed trade's object for the symbol's
   * next one, once the trade log has taken what it keeps (counts or a record).
   */
  restart(strategies: readonly string[], entryTime: number): this {
    this.strategies = strategies;
    this.entryTime = entryTime;
    this.exitReason = 'signal';
    this.bought.reset();
    this.cost.reset();
    this.sold.reset();
    this.proceeds.reset();
    this.fees.reset();
    return this;
  }

  /**
   * A fill's quantity and notional, from its lot and tick counts when known
   * (NaN: not; places at most 22), else in decimals (the quantity, and
   * `price x quantity`), and its fee.
   */
  add(
    buy: boolean,
    quantity: Decimal,
    price: Decimal,
    lots: number,
    lotDp: number,
    ticks: number,
    tickDp: number,
    fee: Decimal,
  ): void {
    this.fees.plus(fee);
    this.#addAmounts(buy, quantity, price, lots, lotDp, ticks, tickDp);
  }

  /**
   * `add` for a counted fill: `lots` and `ticks` are counts, the fee
   * `fee x 10^-feeDp` as the fee Decimal's own places count it (what `plus`
   * takes from it); places at most 22. Decimals are made only where a sum is
   * in decimals.
   */
  addCounts(
    buy: boolean,
    lots: number,
    lotDp: number,
    ticks: number,
    tickDp: number,
    fee: number,
    feeDp: number,
  ): void {
    if (!this.fees.plusCount(fee, feeDp)) this.fees.plus(decimalOfUnits(fee, feeDp));
    this.#addAmounts(buy, undefined, undefined, lots, lotDp, ticks, tickDp);
  }

  /** The quantity and notional sums of a fill (Decimals undefined: made from the counts if needed). */
  #addAmounts(
    buy: boolean,
    quantity: Decimal | undefined,
    price: Decimal | undefined,
    lots: number,
    lotDp: number,
    ticks: number,
    tickDp: number,
  ): void {
    const qty = buy ? this.bought : this.sold;
    const value = buy ? this.cost : this.proceeds;
    if (Number.isNaN(lots) || !qty.plusCount(lots, lotDp)) qty.plus(quantity ?? decimalOfUnits(lots, lotDp));
    const product = safeTimes(ticks, lots);
    const counted = Number.isNaN(product)
      ? !Number.isNaN(ticks) &&
        !Number.isNaN(lots) &&
        value.plusUnits(BigInt(ticks) * BigInt(lots) * pow10n(AMOUNT_SCALE - tickDp - lotDp))
      : tickDp + lotDp <= 22 && value.plusCount(product, tickDp + lotDp);
    if (!counted)
      value.plus((price ?? decimalOfUnits(ticks, tickDp)).times(quantity ?? decimalOfUnits(lots, lotDp)));
  }

  /** The closed trade's record, and the sign of its PnL net of fees (-1, 0, 1) for the risk engine. */
  close(symbol: string, exitTime: number): { record: TradeRecord; pnl: number } {
    return closeTrade(this, symbol, this.strategies, this.entryTime, exitTime, this.exitReason);
  }
}

/** The five sums of a round trip: an OpenTrade's, or a TradeLog row's made again from its counts. */
export interface TradeSums {
  readonly bought: ExactAmount;
  readonly cost: ExactAmount;
  readonly sold: ExactAmount;
  readonly proceeds: ExactAmount;
  readonly fees: ExactAmount;
}

/** The sign (-1, 0, 1) of proceeds - cost - fees, exactly: what the risk engine needs at a close, without the record. */
export function pnlSign({ cost, proceeds, fees }: TradeSums): number {
  const sign = floatSign(proceeds, cost, fees);
  if (!Number.isNaN(sign)) return sign;
  if (cost.units !== undefined && proceeds.units !== undefined && fees.units !== undefined) {
    const p = proceeds.units - cost.units - fees.units;
    return p < 0n ? -1 : p > 0n ? 1 : 0;
  }
  const p = proceeds.decimal.minus(cost.decimal).minus(fees.decimal);
  return p.isZero() ? 0 : p.isNegative() ? -1 : 1;
}

/** A closed round trip's record (texts, return, display prices) from its sums, and pnlSign. */
export function closeTrade(
  sums: TradeSums,
  symbol: string,
  strategies: readonly string[],
  entryTime: number,
  exitTime: number,
  exitReason: ExitReason,
): { record: TradeRecord; pnl: number } {
  const { bought, sold, cost, proceeds, fees } = sums;
  // pnlSign's sign, from the exact difference each branch makes for the text and the return.
  let pnl: number;
  let pnlText: string;
  let ratio: number;
  const small = smallDifference(proceeds, cost, fees);
  const wide = small === undefined ? wideDifference(proceeds, cost, fees) : undefined;
  if (small !== undefined) {
    // Safe counts at one scale: exact, and their doubles one correctly rounded quotient each.
    const [p, c, scale] = small;
    pnl = p < 0 ? -1 : p > 0 ? 1 : 0;
    pnlText = formatCount(p, scale);
    ratio = c === 0 ? 0 : p / pow10(scale) / (c / pow10(scale));
  } else if (wide !== undefined) {
    // The same values as the counts of 10^-40 below, at the sums' own scale (the text and doubles of equal values are equal).
    const [p, c, scale] = wide;
    pnl = p < 0n ? -1 : p > 0n ? 1 : 0;
    const { text, float } = textAndFloat(p, scale);
    pnlText = text;
    ratio = c === 0n ? 0 : float / floatOfScaledUnits(c, scale);
  } else if (cost.units !== undefined && proceeds.units !== undefined && fees.units !== undefined) {
    // All three are counts below 10^59: their difference has at most 60 digits, so the decimal one does not round either.
    const p = proceeds.units - cost.units - fees.units;
    const c = cost.units + fees.units;
    pnl = p < 0n ? -1 : p > 0n ? 1 : 0;
    const { text, float } = textAndFloat(p);
    pnlText = text;
    ratio = c === 0n ? 0 : float / floatOfAmountUnits(c);
  } else {
    const p = proceeds.decimal.minus(cost.decimal).minus(fees.decimal);
    const c = cost.decimal.plus(fees.decimal);
    pnl = p.isZero() ? 0 : p.isNegative() ? -1 : 1;
    pnlText = p.toFixed();
    ratio = c.isZero() ? 0 : p.toNumber() / c.toNumber();
  }
  return {
    pnl,
    record: {
      symbol,
      strategies,
      entryTime,
      exitTime,
      quantity: bought.toFixed(),
      // Average prices for display, to 12 significant digits; the return is a ratio (float).
      entryPrice: displayRatio(cost.toFloat(), bought.toFloat()),
      exitPrice: displayRatio(proceeds.toFloat(), sold.toFloat()),
      pnl: pnlText,
      return: ratio,
      fees: fees.toFixed(),
      exitReason,
    },
  };
}
