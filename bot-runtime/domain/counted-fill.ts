// A fill event kept as exact counts (lots, price ticks, a fee count) by a venue
// that computes in counts (the paper venue on power-of-ten grids). It is the
// venue's OrderFilled or StopFilled event itself: `fill` makes the Fill literal
// the venue would have made (the same fields, in the same order, the same
// values) the first time it is read, so a reader of fills sees no difference,
// and the kernel books the counts without making its Decimals at all.
import type { Fill, Liquidity } from './fill.ts';
import type { OrderSide } from './instrument.ts';
import { Money } from './money.ts';
import { decimalOfUnits } from './units.ts';

export class CountedFill {
  readonly type: 'OrderFilled' | 'StopFilled';
  readonly orderId: string;
  readonly ts: number;
  readonly symbol: string;
  readonly side: OrderSide;
  /** The quantity: `lots x 10^-lotDp`. */
  readonly lots: number;
  readonly lotDp: number;
  /** The price: `ticks x 10^-tickDp`. */
  readonly ticks: number;
  readonly tickDp: number;
  /** The fee: `fee x 10^-feeDp`, with no trailing zeros (feeDp is the Decimal's decimalPlaces()). */
  readonly fee: number;
  readonly feeDp: number;
  readonly currency: string;
  readonly liquidity: Liquidity;
  /** The trade's number in its order: the trade id is `${orderId}-${n}`. */
  readonly n: number;
  #fill: Fill | undefined;

  /** Counts are safe integers, places at most 22, lots and ticks positive; the caller (the venue) sees to it. */
  constructor(
    type: 'OrderFilled' | 'StopFilled',
    orderId: string,
    n: number,
    symbol: string,
    side: OrderSide,
    lots: number,
    lotDp: number,
    ticks: number,
    tickDp: number,
    fee: number,
    feeDp: number,
    currency: string,
    liquidity: Liquidity,
    ts: number,
  ) {
    this.type = type;
    this.orderId = orderId;
    this.ts = ts;
    this.symbol = symbol;
    this.side = side;
    this.lots = lots;
    this.lotDp = lotDp;
    this.ticks = ticks;
    this.tickDp = tickDp;
    // As the fee Decimal's decimalPlaces() and unitsOf would count it: the trailing zeros off.
    let f = fee;
    let dp = feeDp;
    while (dp > 0 && f % 10 === 0) {
      f /= 10;
      dp--;
    }
    this.fee = f === 0 ? 0 : f;
    this.feeDp = f === 0 ? 0 : dp;
    this.currency = currency;
    this.liquidity = liquidity;
    this.n = n;
  }

  get tradeId(): string {
    return `${this.orderId}-${this.n}`;
  }

  /** The Fill literal, made once. */
  get fill(): Fill {
    this.#fill ??= {
      orderId: this.orderId,
      tradeId: this.tradeId,
      symbol: this.symbol,
      side: this.side,
      quantity: decimalOfUnits(this.lots, this.lotDp),
      price: decimalOfUnits(this.ticks, this.tickDp),
      fee: new Money(decimalOfUnits(this.fee, this.feeDp), this.currency),
      liquidity: this.liquidity,
      ts: this.ts,
    };
    return this.#fill;
  }
}
