// A round trip while it is open: what was bought and sold, for how much, and
// the fees, as exact sums (ExactAmount: integer counts while they fit, the
// same values as Decimal sums). Its record is made once, when it closes.

import {
  AMOUNT_SCALE,
  ExactAmount,
  floatOfAmountUnits,
  pow10n,
  textAndFloat,
} from '../domain/exact-amount.ts';
import { type Decimal, dec, ZERO } from '../domain/index.ts';
import { safeTimes } from '../domain/units.ts';

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
   * A fill's quantity and notional (each as a count of 10^-40 when known, else
   * in decimals: the quantity, and `price x quantity`) and fee.
   */
  add(
    buy: boolean,
    quantity: Decimal,
    quantityUnits: bigint | undefined,
    price: Decimal,
    notional: bigint | undefined,
    fee: Decimal,
  ): void {
    this.fees.plus(fee);
    const [qty, value] = buy ? [this.bought, this.cost] : [this.sold, this.proceeds];
    if (quantityUnits === undefined || !qty.plusUnits(quantityUnits)) qty.plus(quantity);
    if (notional === undefined || !value.plusUnits(notional)) value.plus(price.times(quantity));
  }

  /** The closed trade's record, and the sign of its PnL net of fees (-1, 0, 1) for the risk engine. */
  close(symbol: string, exitTime: number): { record: TradeRecord; pnl: number } {
    const { cost, proceeds, fees } = this;
    let pnl: number;
    let pnlText: string;
    let ratio: number;
    if (cost.units !== undefined && proceeds.units !== undefined && fees.units !== undefined) {
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
        strategies: this.strategies,
        entryTime: this.entryTime,
        exitTime,
        quantity: this.bought.toFixed(),
        // Average prices for display, to 12 significant digits; the return is a ratio (float).
        entryPrice: displayRatio(cost.toFloat(), this.bought.toFloat()),
        exitPrice: displayRatio(proceeds.toFloat(), this.sold.toFloat()),
        pnl: pnlText,
        return: ratio,
        fees: fees.toFixed(),
        exitReason: this.exitReason,
      },
    };
  }
}
