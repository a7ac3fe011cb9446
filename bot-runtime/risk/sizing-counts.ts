// sizePosition and floorQuantity for an order that opens a position, in exact
// integer counts (BigInt, a count of 10^-scale): the same quantity, or
// undefined wherever the decimal path could differ or has something to say
// (a product the domain's 60 digits would round, the cash cap near binding,
// nothing to buy, a size under the minimums). The caller then sizes in decimals.

import { significantDigits, unitsOfDecimal } from '../domain/exact-amount.ts';
import { type Decimal, dec } from '../domain/index.ts';
import { riskRatio } from './sizing.ts';

/** An exact value: u x 10^-s. */
interface Fixed {
  readonly u: bigint;
  readonly s: number;
}

const pow10Cache: bigint[] = [1n];
function p10(n: number): bigint {
  for (let i = pow10Cache.length; i <= n; i++) pow10Cache.push(pow10Cache[i - 1]! * 10n);
  return pow10Cache[n]!;
}

/** A Decimal with at most 40 decimals as u x 10^-40. */
function fixedOf(x: Decimal): Fixed | undefined {
  const u = unitsOfDecimal(x);
  return u === undefined ? undefined : { u, s: 40 };
}

function times(a: Fixed, b: Fixed): Fixed {
  return { u: a.u * b.u, s: a.s + b.s };
}

function compare(a: Fixed, b: Fixed): number {
  const s = Math.max(a.s, b.s);
  const x = a.u * p10(s - a.s);
  const y = b.u * p10(s - b.s);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A product the domain's Decimal (60 significant digits) makes without rounding: by the digits' bound, else counted. */
function exactProduct(a: Fixed, aDigits: number, b: Fixed, bDigits: number): Fixed | undefined {
  const p = times(a, b);
  return aDigits + bDigits <= 60 || significantDigits(p.u) <= 60 ? p : undefined;
}

/** A value without the zeros its count ends with (smaller BigInts to multiply), and its significant digits. */
function trimmed(x: Fixed): { fixed: Fixed; digits: number } {
  let { u, s } = x;
  while (s > 0 && u !== 0n && u % 10n === 0n) {
    u /= 10n;
    s--;
  }
  return { fixed: { u, s }, digits: significantDigits(u) };
}

/** The policy's figures for opening orders, as exact values, made once per policy (undefined: not all are counts). */
export interface OpeningSizing {
  readonly ratio: Fixed;
  readonly ratioDigits: number;
  /** maxPositionSizePercent x 0.01. */
  readonly sizeShare: Fixed;
  readonly sizeShareDigits: number;
  /** maxPositionNotional and maxAllocation, when set. */
  readonly caps: readonly Fixed[];
  readonly feeF: number;
  /** The doubles nearest ratio, sizeShare and caps (within 3e-16 of them), for openingLotsFromCash. */
  readonly ratioF: number;
  readonly sizeShareF: number;
  readonly capsF: readonly number[];
}

/** A Fixed as a double, within about 3e-16 of it (two roundings). */
function floatOf(x: Fixed): number {
  return Number(x.u) / 10 ** x.s;
}

export function openingSizing(x: {
  riskPerTradePercent: string;
  stopLossPercent: string;
  maxPositionSizePercent: string;
  maxPositionNotional?: string;
  maxAllocation?: Decimal;
  feeRate: Decimal;
}): OpeningSizing | undefined {
  const ratio = fixedOf(riskRatio(x.riskPerTradePercent, x.stopLossPercent));
  const pct = fixedOf(dec(x.maxPositionSizePercent));
  if (ratio === undefined || pct === undefined) return undefined;
  const caps: Fixed[] = [];
  for (const cap of [
    x.maxPositionNotional === undefined ? undefined : dec(x.maxPositionNotional),
    x.maxAllocation,
  ]) {
    if (cap === undefined) continue;
    const f = fixedOf(cap);
    if (f === undefined) return undefined;
    caps.push(f);
  }
  const r = trimmed(ratio);
  const share = trimmed({ u: pct.u, s: pct.s + 2 });
  return {
    ratio: r.fixed,
    ratioDigits: r.digits,
    sizeShare: share.fixed,
    sizeShareDigits: share.digits,
    caps,
    feeF: x.feeRate.toNumber(),
    ratioF: floatOf(r.fixed),
    sizeShareF: floatOf(share.fixed),
    capsF: caps.map(floatOf),
  };
}

export interface CountedSizingInput {
  /** Equity, exactly: equity x 10^-equityScale, with at most equityDigits significant digits (Portfolio.equityCounts). */
  readonly equity: bigint;
  readonly equityScale: number;
  readonly equityDigits: number;
  /** The cash as a double (Portfolio.amountFloat), for the cash cap's float guard. */
  readonly cashF: number;
  /** The reference price as a tick count, and the grids (power-of-ten places). */
  readonly ticks: number;
  readonly tickDp: number;
  readonly lotDp: number;
  /** The instrument's minimums, as a lot count and a count of 10^-40 (undefined: not a count). */
  readonly minLots: number;
  readonly minNotional: bigint | undefined;
}

/**
 * The lot count `floorQuantity(sizePosition(...).notional, price, lot)` gives
 * for an opening order (no current notional), when it passes the minimums;
 * undefined when the decimal path must decide.
 */
export function sizeOpeningLots(plan: OpeningSizing, x: CountedSizingInput): number | undefined {
  const equity: Fixed = { u: x.equity, s: x.equityScale };
  let notional = exactProduct(equity, x.equityDigits, plan.ratio, plan.ratioDigits);
  // equity x pct x 0.01 (the hundredth is in the share).
  const bySize = exactProduct(equity, x.equityDigits, plan.sizeShare, plan.sizeShareDigits);
  if (notional === undefined || bySize === undefined) return undefined;
  if (compare(bySize, notional) < 0) notional = bySize;
  for (const cap of plan.caps) if (compare(cap, notional) < 0) notional = cap;
  if (notional.u <= 0n) return undefined;
  // The cash cap: only when floats show the cash far above (else its rounded division decides, in decimals).
  const n = Number(notional.u) / 10 ** notional.s;
  const f = plan.feeF;
  if (!(n > 1e-300 && n < 1e300 && x.cashF > 0 && x.cashF < 1e300 && f >= 0 && f < 1e300)) return undefined;
  if (!(x.cashF / (1 + f) > n * (1 + 1e-9) * (1 + 1e-12))) return undefined;
  // Lots: the largest q with q x ticks x 10^-(tickDp + lotDp) <= notional.
  const lots = (notional.u * p10(x.tickDp + x.lotDp)) / (BigInt(x.ticks) * p10(notional.s));
  if (lots <= 0n || lots > 100_000_000_000_000n) return undefined;
  const q = Number(lots);
  if (Number.isNaN(x.minLots) || q < x.minLots || x.minNotional === undefined) return undefined;
  if (x.tickDp + x.lotDp > 40) return undefined;
  const value = BigInt(q) * BigInt(x.ticks) * p10(40 - x.tickDp - x.lotDp);
  if (value < x.minNotional) return undefined;
  return q;
}

export interface CashSizingInput {
  /** The cash as a double (Portfolio.amountFloat), which is all the equity: nothing else is held. */
  readonly cashF: number;
  readonly ticks: number;
  readonly tickDp: number;
  readonly lotDp: number;
  readonly minLots: number;
  /** The minimum notional as a double (NaN: not a count, the exact path decides). */
  readonly minNotionalF: number;
}

/**
 * sizeOpeningLots when the equity is the cash alone, in doubles: every figure
 * here is within some 1e-15 of its exact value (a few roundings of 1.1e-16
 * each), so a floor more than 1e-12 from an integer, a minimum more than 1e-9
 * away and the cash cap's own 1e-9 guard decide as the exact counts do (and as
 * the decimals, whose 60 digits move a value by 1e-59 at most). Undefined
 * wherever the doubles are not that sure: then sizeOpeningLots decides.
 */
export function openingLotsFromCash(plan: OpeningSizing, x: CashSizingInput): number | undefined {
  const equity = x.cashF;
  if (!(equity > 1e-300 && equity < 1e300)) return undefined;
  let notional = equity * plan.ratioF;
  const bySize = equity * plan.sizeShareF;
  if (bySize < notional) notional = bySize;
  for (const cap of plan.capsF) if (cap < notional) notional = cap;
  if (!(notional > 1e-300 && notional < 1e300)) return undefined;
  const f = plan.feeF;
  if (!(f >= 0 && f < 1e300)) return undefined;
  if (!(equity / (1 + f) > notional * (1 + 1e-9) * (1 + 1e-12))) return undefined;
  const places = x.tickDp + x.lotDp;
  if (places > 22) return undefined;
  const scale = 10 ** places;
  const lotsF = (notional * scale) / x.ticks;
  if (!(lotsF >= 1 && lotsF <= 1e14)) return undefined;
  const q = Math.floor(lotsF);
  if (lotsF - q < lotsF * 1e-12 || q + 1 - lotsF < lotsF * 1e-12) return undefined;
  if (!(q >= x.minLots)) return undefined;
  if (!((q * x.ticks) / scale > x.minNotionalF * (1 + 1e-9))) return undefined;
  return q;
}
