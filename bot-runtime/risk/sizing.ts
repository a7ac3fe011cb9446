// Position sizing: risk a fixed share of equity between entry and stop-loss,
// then cap by every limit that bounds one position and by the cash there is.
//   notional = equity * riskPerTrade% / stopLoss%
import { Decimal, dec, toFloat } from '../domain/index.ts';

export interface SizingInput {
  readonly equity: Decimal;
  /** Cash available to buy with (fees come out of it too). */
  readonly cash: Decimal;
  /** Notional already held in the symbol (positive). */
  readonly currentNotional: Decimal;
  readonly riskPerTradePercent: string;
  readonly stopLossPercent: string;
  readonly maxPositionSizePercent: string;
  readonly maxPositionNotional?: string;
  /** capital.maxAllocationPercent of the bot's capital, as an amount. */
  readonly maxAllocation?: Decimal;
  /** Fee rate charged on the entry (0.001 for 0.1 %), kept free in the cash. */
  readonly feeRate: Decimal;
}

export interface Sized {
  /** Notional to add, in the quote currency; zero when nothing fits. */
  readonly notional: Decimal;
  /** What bound it: `risk`, `maxPositionSize`, `maxPositionNotional`, `maxAllocation` or `cash`. */
  readonly boundBy: string;
}

/**
 * Divisions for sizing: 24 significant digits, rounded toward zero, so a size
 * never exceeds the cap it was divided from. (The domain's 60 digits are for
 * sums that must never round; a size is rounded down to the lot size next, and
 * 60-digit divisions are what made sizing the slowest step of an order.)
 */
const Sizing = Decimal.clone({ precision: 24, rounding: Decimal.ROUND_DOWN });

/** `a / b` rounded toward zero at 24 significant digits, as a domain Decimal. */
export function divDown(a: Decimal, b: Decimal): Decimal {
  return dec(new Sizing(a).div(new Sizing(b)));
}

/**
 * The largest multiple of `step` whose product with `price` is at most
 * `notional` (positive figures): `floor(notional / price / step) * step`, found
 * from a float estimate and corrected with exact multiplications, without a
 * decimal division (a sized order's quantity).
 */
export function floorQuantity(notional: Decimal, price: Decimal, step: Decimal): Decimal {
  const n = Math.floor(toFloat(notional) / toFloat(price) / toFloat(step));
  if (!Number.isFinite(n) || n > 1e15) return divDown(notional, price).toNearest(step, Decimal.ROUND_DOWN);
  let q = step.times(Math.max(0, n));
  while (q.gt(0) && q.times(price).gt(notional)) q = q.minus(step);
  for (;;) {
    const next = q.plus(step);
    if (next.times(price).gt(notional)) return q;
    q = next;
  }
}

const HUNDREDTH = dec('0.01');
const parsed = new Map<string, Decimal>();
const ratios = new Map<string, Decimal>();

/** A policy's percentage string as a decimal, parsed once. */
function pctOf(text: string): Decimal {
  let d = parsed.get(text);
  if (d === undefined) {
    d = dec(text);
    parsed.set(text, d);
  }
  return d;
}

/** riskPerTrade% / stopLoss%, rounded toward zero once per policy (sizing then only multiplies). */
export function riskRatio(risk: string, stop: string): Decimal {
  const key = `${risk}/${stop}`;
  let r = ratios.get(key);
  if (r === undefined) {
    r = divDown(dec(risk), dec(stop));
    ratios.set(key, r);
  }
  return r;
}

/** True when `cash / (1 + feeRate)` is certainly above `notional` (positive figures in float range). */
export function cashClearlyAbove(cash: Decimal, feeRate: Decimal, notional: Decimal): boolean {
  const n = toFloat(notional);
  if (!(n > 1e-300 && n < 1e300)) return false;
  const c = toFloat(cash);
  const f = toFloat(feeRate);
  if (!(c > 0 && c < 1e300 && f >= 0 && f < 1e300)) return false;
  return c / (1 + f) > n * (1 + 1e-9);
}

export function sizePosition(x: SizingInput): Sized {
  // Fractions are exact (times 0.01); the risk ratio and the cash division round toward zero.
  const hundredth = HUNDREDTH;
  let notional = x.equity.times(riskRatio(x.riskPerTradePercent, x.stopLossPercent));
  let boundBy = 'risk';
  const caps: [string, Decimal][] = [
    [
      'maxPositionSize',
      x.equity.times(pctOf(x.maxPositionSizePercent)).times(hundredth).minus(x.currentNotional),
    ],
  ];
  if (x.maxPositionNotional !== undefined)
    caps.push(['maxPositionNotional', pctOf(x.maxPositionNotional).minus(x.currentNotional)]);
  if (x.maxAllocation !== undefined) caps.push(['maxAllocation', x.maxAllocation.minus(x.currentNotional)]);
  for (const [name, cap] of caps) {
    if (cap.lt(notional)) {
      notional = cap;
      boundBy = name;
    }
  }
  // The cash cap comes last and binds only when it is below the rest; its division is
  // skipped when floats show it far above (1e-9 apart: float and 24-digit errors are ~1e-15).
  if (!cashClearlyAbove(x.cash, x.feeRate, notional)) {
    const cash = divDown(x.cash, x.feeRate.plus(1));
    if (cash.lt(notional)) {
      notional = cash;
      boundBy = 'cash';
    }
  }
  if (notional.lte(0)) return { notional: new Decimal(0), boundBy };
  return { notional, boundBy };
}
