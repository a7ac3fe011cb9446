// The fills a kernel keeps (its `fills`), as columns of exact counts where the
// fill is the venue's plain literal on power-of-ten grids, and whole otherwise.
// A kept Fill holds three Decimals and a Money (about 600 bytes the collector
// copies twice on the way to the old generation); a counted one about 70
// bytes. The Fill objects are made when `fills` is read, equal to the ones
// booked (same fields in the same order, same Decimals): the events the kernel
// hands on keep the venue's own objects.

import { ExactAmount } from '../domain/exact-amount.ts';
import { type Decimal, type Fill, Money, ZERO } from '../domain/index.ts';
import { decimalOfUnits, unitsOf } from '../domain/units.ts';

const BUY = 1;
const MAKER = 2;

export class FillLog {
  readonly #symbols: readonly string[];
  #n = 0;
  /** Fills kept whole, by their index (a venue's own shape, or a value that is not a count). */
  readonly #whole = new Map<number, Fill>();
  // Columns of the counted fills (a whole fill leaves a hole at its index).
  readonly #orderId: string[] = [];
  readonly #tradeId: string[] = [];
  readonly #currency: string[] = [];
  readonly #symbol: number[] = [];
  readonly #flags: number[] = [];
  readonly #lots: number[] = [];
  readonly #lotDp: number[] = [];
  readonly #ticks: number[] = [];
  readonly #tickDp: number[] = [];
  readonly #fee: number[] = [];
  readonly #feeDp: number[] = [];
  readonly #ts: number[] = [];
  /** The Fill objects made so far (the first `#made.length` fills), extended when read. */
  readonly #made: Fill[] = [];

  constructor(symbols: readonly string[]) {
    this.#symbols = symbols;
  }

  get length(): number {
    return this.#n;
  }

  /**
   * Books `fill` of symbol `k`. `plain`: the venue makes fills as Fill
   * literals and nothing else (Venue.plainFills); `lots`/`ticks`: its
   * quantity and price as counts of 10^-lotDp and 10^-tickDp (NaN: not).
   */
  add(
    fill: Fill,
    k: number,
    plain: boolean,
    lots: number,
    lotDp: number,
    ticks: number,
    tickDp: number,
  ): void {
    const i = this.#n++;
    const amount = fill.fee.amount;
    const feeDp = plain ? amount.decimalPlaces() : 0;
    const fee = plain && feeDp <= 22 ? unitsOf(amount, feeDp) : Number.NaN;
    if (
      Number.isNaN(fee) ||
      Number.isNaN(lots) ||
      Number.isNaN(ticks) ||
      fill.symbol !== this.#symbols[k] ||
      (fill.side !== 'BUY' && fill.side !== 'SELL') ||
      (fill.liquidity !== 'MAKER' && fill.liquidity !== 'TAKER')
    ) {
      this.#whole.set(i, fill);
      this.#hole(i);
      return;
    }
    this.#orderId[i] = fill.orderId;
    this.#tradeId[i] = fill.tradeId;
    this.#currency[i] = fill.fee.currency;
    this.#symbol[i] = k;
    this.#flags[i] = (fill.side === 'BUY' ? BUY : 0) | (fill.liquidity === 'MAKER' ? MAKER : 0);
    this.#lots[i] = lots;
    this.#lotDp[i] = lotDp;
    this.#ticks[i] = ticks;
    this.#tickDp[i] = tickDp;
    this.#fee[i] = fee;
    this.#feeDp[i] = feeDp;
    this.#ts[i] = fill.ts;
  }

  /** Keeps the columns dense (no holey arrays): a whole fill's row holds neutral values. */
  #hole(i: number): void {
    this.#orderId[i] = '';
    this.#tradeId[i] = '';
    this.#currency[i] = '';
    this.#symbol[i] = 0;
    this.#flags[i] = 0;
    this.#lots[i] = 0;
    this.#lotDp[i] = 0;
    this.#ticks[i] = 0;
    this.#tickDp[i] = 0;
    this.#fee[i] = 0;
    this.#feeDp[i] = 0;
    this.#ts[i] = 0;
  }

  /** The sum of every fill's fee amount (whatever its currency), as the Decimal sum gives it. */
  feeTotal(): Decimal {
    // An exact sum (ExactAmount: the value the Decimal sum has), made when asked: nothing per fill.
    const sum = new ExactAmount(ZERO);
    for (let i = 0; i < this.#n; i++) {
      const whole = this.#whole.get(i);
      if (whole !== undefined) sum.plus(whole.fee.amount);
      else if (!sum.plusCount(this.#fee[i]!, this.#feeDp[i]!))
        sum.plus(decimalOfUnits(this.#fee[i]!, this.#feeDp[i]!));
    }
    return sum.decimal;
  }

  /** Every fill booked, in order (made on the first read of each). */
  fills(): Fill[] {
    const made = this.#made;
    for (let i = made.length; i < this.#n; i++) made.push(this.#whole.get(i) ?? this.#fill(i));
    return made;
  }

  #fill(i: number): Fill {
    const flags = this.#flags[i]!;
    // The fields in the order the paper venue writes them (JSON and equality see the same object).
    return {
      orderId: this.#orderId[i]!,
      tradeId: this.#tradeId[i]!,
      symbol: this.#symbols[this.#symbol[i]!]!,
      side: flags & BUY ? 'BUY' : 'SELL',
      quantity: decimalOfUnits(this.#lots[i]!, this.#lotDp[i]!),
      price: decimalOfUnits(this.#ticks[i]!, this.#tickDp[i]!),
      fee: new Money(decimalOfUnits(this.#fee[i]!, this.#feeDp[i]!), this.#currency[i]!),
      liquidity: flags & MAKER ? 'MAKER' : 'TAKER',
      ts: this.#ts[i]!,
    };
  }
}
