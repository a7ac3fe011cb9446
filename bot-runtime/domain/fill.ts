// A fill: one trade against one order, as the venue (paper or live) reports it.
import type { Decimal } from './decimal.ts';
import type { OrderSide } from './instrument.ts';
import type { Money } from './money.ts';

export type Liquidity = 'MAKER' | 'TAKER';

export interface Fill {
  readonly orderId: string;
  /** Venue trade id: unique per order; a repeated id is a DuplicateFill. */
  readonly tradeId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: Decimal;
  readonly price: Decimal;
  /** Commission charged for this fill, in whatever currency the venue charged it. */
  readonly fee: Money;
  readonly liquidity: Liquidity;
  /** Event time, epoch milliseconds (from the clock in use: a backtest's or the venue's). */
  readonly ts: number;
}
