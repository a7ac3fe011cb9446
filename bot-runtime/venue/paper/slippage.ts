// Taker slippage: the fill price moved against the taker by a number of basis
// points, on the tick grid and within the candle's range. In decimals
// (`slippedPrice`), and in tick counts (`slippedTicks`, the same prices: tested
// equal) for the paper venue's fills.
import { Decimal, toFloat } from '../../domain/index.ts';
import { ceilDiv, pow10, safeTimes } from '../../domain/units.ts';
import type { Grid } from '../grid.ts';

/** One basis point as a fraction: multiplying by it is exact and cheaper than dividing by 10,000. */
const ONE = new Decimal(1);
const ONE_BP = new Decimal('0.0001');

/**
 * A slippage in basis points, rounded to 1e-6 bp, as a ratio: `bps.toFixed(6) x 0.0001`.
 * The product of so few digits never rounds, so the point is moved in the text instead (tested equal).
 */
export function bpsFactor(bps: number): Decimal {
  const text = bps.toFixed(6);
  if (!Number.isFinite(bps) || Math.abs(bps) >= 1e20) return new Decimal(text).times(ONE_BP);
  return new Decimal(`${text}e-4`);
}

/**
 * A slippage in basis points as the integer count of 1e-10 (1e-6 bp) that
 * bpsFactor's text holds: `bps.toFixed(6)` without its point. NaN when too
 * large for a safe integer.
 */
export function bpsUnits(bps: number): number {
  if (!(Math.abs(bps) < 1e9)) return Number.NaN;
  // toFixed(6) takes the integer nearest bps x 1e6 (ties up). Below 2^31 the
  // product's error is under 5e-7, so away from a half the float rounds the same.
  const y = bps * 1e6;
  if (y >= 0 && y < 2147483648) {
    const f = y - Math.floor(y);
    if (f < 0.5 - 1e-6 || f > 0.5 + 1e-6) return Math.round(y);
  }
  const text = bps.toFixed(6);
  return Number(text.replace('.', ''));
}

/** 1 as a count of 1e-10: the slippage factor's denominator. */
const FACTOR_ONE = 1e10;

/**
 * slippedPrice in tick counts (tested equal): with the factor f = units * 1e-10,
 * a buy pays ceil(ticks * (1 + f)) = ticks + ceil(ticks * units / 1e10) and a
 * sell gets ticks - ceil(ticks * units / 1e10), clamped to the candle's range
 * the same way. NaN when a count is not a safe integer or the price would
 * fall under one tick (the decimal path decides those).
 */
export function slippedTicks(
  inst: Grid,
  buy: boolean,
  base: Decimal,
  units: number,
  high: number,
  low: number,
): number {
  return slippedTicksOf(inst, buy, inst.ticksOf(base), units, high, low);
}

/** slippedTicks from the base price's tick count (NaN: not one). */
export function slippedTicksOf(
  inst: Grid,
  buy: boolean,
  ticks: number,
  units: number,
  high: number,
  low: number,
): number {
  const moved = safeTimes(ticks, units);
  if (Number.isNaN(moved)) return Number.NaN;
  const dp = inst.tickPlaces!;
  if (dp > 22) return Number.NaN;
  const scale = pow10(dp);
  if (buy) {
    const p = ticks + ceilDiv(moved, FACTOR_ONE);
    if (p < 1 || !Number.isSafeInteger(p)) return Number.NaN;
    // p / scale is toFloat of the decimal price (one correctly rounded quotient of the same rational).
    if (p / scale > high) {
      const cap = inst.ticksFromNumber(high, 'down');
      if (Number.isNaN(cap)) return Number.NaN;
      if (p > cap && cap >= ticks) return cap;
    }
    return p;
  }
  const p = ticks - ceilDiv(moved, FACTOR_ONE);
  if (p < 1 || !Number.isSafeInteger(p)) return Number.NaN;
  if (p / scale < low) {
    const floor = inst.ticksFromNumber(low, 'up');
    if (Number.isNaN(floor)) return Number.NaN;
    if (p < floor && floor <= ticks) return floor;
  }
  return p;
}

/**
 * The price a taker fill pays: `base` moved by `bps` against the taker, onto the
 * tick grid (buys up, sells down), clamped to the candle's range.
 */
export function slippedPrice(
  inst: Grid,
  buy: boolean,
  base: Decimal,
  bps: number,
  high: number,
  low: number,
): Decimal {
  // Slippage figures are ratios: round them to 1e-6 bp so the decimal price is reproducible text.
  const factor = bpsFactor(bps);
  // Clamped to the candle's range; the float guard skips the clamp's decimals when far from it.
  if (buy) {
    const p = inst.price(base.times(factor.plus(1)), 'up');
    if (toFloat(p) > high) {
      const cap = inst.priceFromNumber(high, 'down');
      if (p.gt(cap) && cap.gte(base)) return cap;
    }
    return p;
  }
  const raw = base.times(ONE.minus(factor));
  const p = raw.gt(0) ? inst.price(raw, 'down') : inst.instrument.tickSize;
  if (toFloat(p) < low) {
    const floor = inst.priceFromNumber(low, 'up');
    if (p.lt(floor) && floor.lte(base)) return floor;
  }
  return p;
}
