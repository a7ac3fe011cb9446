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
