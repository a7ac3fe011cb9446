// The fills a kernel keeps (its `fills`), as columns of exact counts where the
// fill is the venue's plain literal on power-of-ten grids, and whole otherwise.
// A kept Fill holds three Decimals and a Money (about 600 bytes the collector
// copies twice on the way to the old generation); a counted one about 70
// bytes. The Fill objects are made when `fills` is read, equal to the ones
// booked (same fields in the same order, same Decimals): the events the kernel
// hands on keep the venue's own objects.

import type { CountedFill } from '../domain/counted-fill.ts';
import { ExactAmount } from '../domain/exact-amount.ts';
import { type Decimal, type Fill, Money, ZERO } from '../domain/index.ts';
import { doubled, objectList } from '../domain/lists.ts';
import { decimalOfUnits, unitsOf } from '../domain/units.ts';

const BUY = 1;
const MAKER = 2;

export class FillLog {
  readonly #symbols: readonly string[];
  #n = 0;
  /** Fills kept whole, by their index (a venue's own shape, or a value that is not a count). */
  readonly #whole = new Map<number, Fill>();
  // Columns of the counted fills (a whole fill leaves a row of zeros and empty texts); objectList: see lists.ts.
  readonly #orderId: string[] = objectList();
  readonly #tradeId: string[] = objectList();
  readonly #currency: string[] = objectList();
  /** Per fill: lots, ticks, fee count, ts (typed columns: no boxing, nothing for the collector to trace). */
  #counts = new Float64Array(4 * 64);
  /** Per fill: symbol index (below 256, else the fill is kept whole), side and liquidity flags, lot, tick and fee places. */
  #small = new Uint8Array(5 * 64);
  /** Per fill: the trade number of a counted fill, whose id is `${orderId}-${n}` (NaN: the id is in #tradeId). */
  #tradeNumber = new Float64Array(64);
  /** The Fill objects made so far (the first `#made.length` fills), extended when read. */
  readonly #made: Fill[] = objectList();

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
    this.#room(i);
    this.#tradeNumber[i] = Number.NaN;
    const amount = fill.fee.amount;
    const feeDp = plain ? amount.decimalPlaces() : 0;
    const fee = plain && feeDp <= 22 ? unitsOf(amount, feeDp) : Number.NaN;
    if (
      Number.isNaN(fee) ||
      Number.isNaN(lots) ||
      Number.isNaN(ticks) ||
      k > 255 ||
      lotDp > 22 ||
      tickDp > 22 ||
      fill.symbol !== this.#symbols[k] ||
      (fill.side !== 'BUY' && fill.side !== 'SELL') ||
      (fill.liquidity !== 'MAKER' && fill.liquidity !== 'TAKER')
    ) {
      this.#whole.set(i, fill);
      this.#orderId.push('');
      this.#tradeId.push('');
      this.#currency.push('');
      return;
    }
    this.#orderId.push(fill.orderId);
    this.#tradeId.push(fill.tradeId);
    this.#currency.push(fill.fee.currency);
    const c = this.#counts;
    c[4 * i] = lots;
    c[4 * i + 1] = ticks;
    c[4 * i + 2] = fee;
    c[4 * i + 3] = fill.ts;
    const m = this.#small;
    m[5 * i] = k;
    m[5 * i + 1] = (fill.side === 'BUY' ? BUY : 0) | (fill.liquidity === 'MAKER' ? MAKER : 0);
    m[5 * i + 2] = lotDp;
    m[5 * i + 3] = tickDp;
    m[5 * i + 4] = feeDp;
  }

  /**
   * Books a counted fill of symbol `k` (a CountedFill: its `fill` is a plain
   * literal of these counts), without making that literal unless a row cannot
   * hold it. Its trade id is made when the fills are read.
   */
  addCounted(fill: CountedFill, k: number): void {
    if (k > 255 || fill.symbol !== this.#symbols[k]) {
      this.add(fill.fill, k, true, fill.lots, fill.lotDp, fill.ticks, fill.tickDp);
      return;
    }
    const i = this.#n++;
    this.#room(i);
    this.#orderId.push(fill.orderId);
    this.#tradeId.push('');
    this.#currency.push(fill.currency);
    const c = this.#counts;
    c[4 * i] = fill.lots;
    c[4 * i + 1] = fill.ticks;
    c[4 * i + 2] = fill.fee;
    c[4 * i + 3] = fill.ts;
    const m = this.#small;
    m[5 * i] = k;
    m[5 * i + 1] = (fill.side === 'BUY' ? BUY : 0) | (fill.liquidity === 'MAKER' ? MAKER : 0);
    m[5 * i + 2] = fill.lotDp;
    m[5 * i + 3] = fill.tickDp;
    m[5 * i + 4] = fill.feeDp;
    this.#tradeNumber[i] = fill.n;
  }

  /** Room for row `i` in the typed columns (doubling). */
  #room(i: number): void {
    if (5 * i < this.#small.length) return;
    this.#counts = doubled(this.#counts);
    this.#small = doubled(this.#small);
    this.#tradeNumber = doubled(this.#tradeNumber);
  }

  /** The sum of every fill's fee amount (whatever its currency), as the Decimal sum gives it. */
  feeTotal(): Decimal {
    // An exact sum (ExactAmount: the value the Decimal sum has), made when asked: nothing per fill.
    const sum = new ExactAmount(ZERO);
    for (let i = 0; i < this.#n; i++) {
      const whole = this.#whole.get(i);
      if (whole !== undefined) sum.plus(whole.fee.amount);
      else {
        const fee = this.#counts[4 * i + 2]!;
        const dp = this.#small[5 * i + 4]!;
        if (!sum.plusCount(fee, dp)) sum.plus(decimalOfUnits(fee, dp));
      }
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
    const c = this.#counts;
    const m = this.#small;
    const flags = m[5 * i + 1]!;
    const orderId = this.#orderId[i]!;
    const n = this.#tradeNumber[i]!;
    // The fields in the order the paper venue writes them (JSON and equality see the same object).
    return {
      orderId,
      tradeId: Number.isNaN(n) ? this.#tradeId[i]! : `${orderId}-${n}`,
      symbol: this.#symbols[m[5 * i]!]!,
      side: flags & BUY ? 'BUY' : 'SELL',
      quantity: decimalOfUnits(c[4 * i]!, m[5 * i + 2]!),
      price: decimalOfUnits(c[4 * i + 1]!, m[5 * i + 3]!),
      fee: new Money(decimalOfUnits(c[4 * i + 2]!, m[5 * i + 4]!), this.#currency[i]!),
      liquidity: flags & MAKER ? 'MAKER' : 'TAKER',
      ts: c[4 * i + 3]!,
    };
  }
}
