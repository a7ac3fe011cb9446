// The domain's decimal type: decimal.js with enough significant digits that
// price x quantity and running sums of crypto amounts (up to 18 decimals on
// each side of the point) never round. Banker's rounding where rounding is
// asked for explicitly; the instrument decides direction for prices and sizes.
import { Decimal as DecimalJs } from 'decimal.js';

export const Decimal: typeof DecimalJs = DecimalJs.clone({
  precision: 60,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -30,
  toExpPos: 40,
});
export type Decimal = DecimalJs;
export type DecimalValue = DecimalJs.Value;

export const ZERO: Decimal = new Decimal(0);

/**
 * A domain Decimal from a string, number or Decimal. Numbers go through their
 * shortest round-trip string. A Decimal made by another decimal.js constructor
 * (default precision 20) is re-made here, since each value computes with the
 * settings of the constructor that made it.
 */
export function dec(value: DecimalValue): Decimal {
  if (DecimalJs.isDecimal(value) && (value as { constructor: unknown }).constructor === Decimal) return value;
  return new Decimal(value);
}

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

/**
 * `x.toNumber()`, the same double, without the text round trip when the
 * significand fits in 53 bits and the power of ten is exact (|p| <= 22): then
 * one multiplication or division of two exact doubles, correctly rounded like
 * the text conversion is (tested equal). Otherwise `toNumber` itself.
 */
export function toFloat(x: Decimal): number {
  // decimal.js keeps the digits in base-1e7 words (the first without leading zeros) and the exponent of the first digit.
  const words = (x as unknown as { d: number[] | null }).d;
  if (words !== null && words.length <= 3) {
    const first = words[0]!;
    let m = first;
    for (let i = 1; i < words.length; i++) m = m * 1e7 + words[i]!;
    if (m < 9007199254740992) {
      let digits = 1;
      while (digits < 7 && first >= POW10[digits]!) digits++;
      const p = x.e - (digits - 1) - 7 * (words.length - 1);
      if (p >= 0 && p <= 22) return x.s * (m * POW10[p]!);
      if (p < 0 && p >= -22) return x.s * (m / POW10[-p]!);
    }
  }
  return x.toNumber();
}
