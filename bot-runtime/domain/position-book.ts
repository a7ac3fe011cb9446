// One instrument's netting position, folded in place from fills with the
// quantities as lot counts and the realised PnL as a count of tick x lot,
// while they are safe integers; the Position value is made when it is read.
// The same fold as applyFillToPosition (tested equal): the average price stays
// a Decimal made by the same operations, and anything off the grids or past a
// safe integer continues in decimals, from the same exact values.
import { type Decimal, dec, ZERO } from './decimal.ts';
import { ExactAmount } from './exact-amount.ts';
import type { Fill } from './fill.ts';
import { doubleList } from './lists.ts';
import { Money } from './money.ts';
import { applyFillToPosition, openingPrice, type Position } from './position.ts';
import { decimalOfUnits, safeTimes, unitsOf } from './units.ts';

/** Terms a position book holds back from a sum in decimals before it adds them. */
const MAX_PENDING = 1024;

export class PositionBook {
  readonly #tickDp: number | undefined;
  readonly #lotDp: number | undefined;
  /** Set once the fold left the counts: the position as applyFillToPosition folds it. */
  #slow: Position | undefined;
  #lots = 0;
  #bought = 0;
  #sold = 0;
  #fills = 0;
  /** The average price; undefined while it is #averageTicks itself (a fill opened at that price), made when read. */
  #average: Decimal | undefined = ZERO;
  /** The average price as a tick count (NaN: not on the grid or not known). */
  #averageTicks = 0;
  /**
   * Realised PnL, an exact sum of counts of tick x lot (one or two safe
   * integers, then a BigInt) past which a close does not go to decimals.
   */
  readonly #realized = new ExactAmount(ZERO);
  /**
   * Closes' terms (counts of tick x lot) that a sum in decimals (after an
   * average off the tick grid) has not added yet: added one by one, in
   * order, when the PnL is read or a decimal term comes (#settle), so a close
   * makes no Decimal. At most MAX_PENDING wait.
   */
  readonly #pending: number[] = doubleList();
  #pendingCount = 0;
  #view: Position | undefined;
  readonly symbol: string;
  readonly quote: string;

  /** `tickDp`, `lotDp`: decimal places of power-of-ten tick and lot sizes (undefined: other sizes, decimals only). */
  constructor(start: Position, tickDp: number | undefined, lotDp: number | undefined) {
    this.symbol = start.symbol;
    this.quote = start.quote;
    this.#tickDp = tickDp;
    this.#lotDp = lotDp;
    if (tickDp === undefined || lotDp === undefined) {
      this.#slow = start;
      return;
    }
    this.#lots = unitsOf(start.quantity, lotDp);
    this.#bought = unitsOf(start.boughtQuantity, lotDp);
    this.#sold = unitsOf(start.soldQuantity, lotDp);
    if (Number.isNaN(this.#lots + this.#bought + this.#sold)) {
      this.#slow = start;
      return;
    }
    this.#fills = start.fillCount;
    this.#average = start.averagePrice;
    this.#averageTicks = unitsOf(start.averagePrice, tickDp);
    this.#realized.plus(start.realizedPnl.amount);
    this.#view = start;
  }

  get position(): Position {
    if (this.#slow !== undefined) return this.#slow;
    if (this.#view === undefined) {
      const lotDp = this.#lotDp!;
      this.#view = {
        symbol: this.symbol,
        quote: this.quote,
        quantity: decimalOfUnits(this.#lots, lotDp),
        averagePrice: this.#averageDecimal(),
        realizedPnl: new Money(this.#realizedDecimal(), this.quote),
        boughtQuantity: decimalOfUnits(this.#bought, lotDp),
        soldQuantity: decimalOfUnits(this.#sold, lotDp),
        fillCount: this.#fills,
      };
    }
    return this.#view;
  }

  get averagePrice(): Decimal {
    return this.#slow !== undefined ? this.#slow.averagePrice : this.#averageDecimal();
  }

  /** The average price as a tick count (NaN: not on the grid, or the fold is in decimals). */
  get averageTicks(): number {
    return this.#slow === undefined ? this.#averageTicks : Number.NaN;
  }

  #averageDecimal(): Decimal {
    this.#average ??= decimalOfUnits(this.#averageTicks, this.#tickDp!);
    return this.#average;
  }

  /** The signed quantity as a lot count (NaN once the fold is in decimals). */
  get lots(): number {
    return this.#slow === undefined ? this.#lots : Number.NaN;
  }

  #realizedDecimal(): Decimal {
    if (this.#pendingCount !== 0) this.#settle();
    return this.#realized.decimal;
  }

  /** The waiting terms into the sum: the same additions, in the same order, as at their closes. */
  #settle(): void {
    const places = this.#tickDp! + this.#lotDp!;
    const n = this.#pendingCount;
    this.#pendingCount = 0;
    for (let i = 0; i < n; i++) this.#realized.plus(decimalOfUnits(this.#pending[i]!, places));
  }

  /** A close's counted term for the sum, now if the sum takes it as a count, else in the queue. */
  #addTerm(term: number, places: number): boolean {
    if (this.#pendingCount === 0 && this.#realized.plusCount(term, places)) return true;
    if (this.#pendingCount === MAX_PENDING) return false;
    const i = this.#pendingCount++;
    if (i < this.#pending.length) this.#pending[i] = term;
    else this.#pending.push(term);
    return true;
  }

  /** Folds a fill in; throws (changing nothing) what applyFillToPosition throws. */
  apply(fill: Fill): void {
    if (this.#slow === undefined) {
      const lots = unitsOf(fill.quantity, this.#lotDp!);
      const ticks = unitsOf(fill.price, this.#tickDp!);
      if (
        fill.symbol === this.symbol &&
        lots > 0 &&
        ticks > 0 &&
        this.#fold(fill.side === 'BUY', lots, ticks, fill)
      )
        return;
      this.#slow = this.position;
    }
    this.#slow = applyFillToPosition(this.#slow, fill);
  }

  /**
   * `apply` for a fill of `lots` at `ticks` on this book's grids (positive
   * counts), without its Decimals unless the fold needs them; false, with
   * nothing changed, when `apply(fill)` has to decide (decimals, or a count
   * past the safe integers).
   */
  applyCounts(buy: boolean, lots: number, ticks: number, lotDp: number, tickDp: number): boolean {
    if (this.#slow !== undefined || lotDp !== this.#lotDp || tickDp !== this.#tickDp) return false;
    return lots > 0 && ticks > 0 && this.#fold(buy, lots, ticks, undefined);
  }

  /** The fill's price, or the Decimal of its tick count (the same value). */
  #price(ticks: number, fill: Fill | undefined): Decimal {
    return fill === undefined ? decimalOfUnits(ticks, this.#tickDp!) : dec(fill.price);
  }

  /**
   * The fold in counts; false (nothing changed) when a count would leave the
   * safe integers. The price and quantity Decimals are the fill's, or made
   * from the counts (the same values) where a step needs them.
   */
  #fold(buy: boolean, lots: number, ticks: number, fill: Fill | undefined): boolean {
    const q = this.#lots;
    const next = buy ? q + lots : q - lots;
    const bought = buy ? this.#bought + lots : this.#bought;
    const sold = buy ? this.#sold : this.#sold + lots;
    if (!Number.isSafeInteger(next) || !Number.isSafeInteger(bought) || !Number.isSafeInteger(sold))
      return false;
    let average = this.#average;
    let averageTicks = this.#averageTicks;
    if (q === 0) {
      if (fill === undefined) {
        // From counts: the price and the quantity have at most 32 significant digits together, so
        // openingPrice is the price itself, kept as its tick count (its Decimal made when read).
        average = undefined;
        averageTicks = ticks;
      } else {
        const px = dec(fill.price);
        average = openingPrice(px, dec(fill.quantity));
        averageTicks = average === px ? ticks : unitsOf(average, this.#tickDp!);
      }
    } else if (q > 0 === buy) {
      // Adding: the volume-weighted mean, in decimals as applyFillToPosition computes it.
      const held = decimalOfUnits(Math.abs(q), this.#lotDp!);
      const qty = fill === undefined ? decimalOfUnits(lots, this.#lotDp!) : dec(fill.quantity);
      const px = this.#price(ticks, fill);
      average = this.#averageDecimal().times(held).plus(px.times(qty)).div(held.plus(qty));
      averageTicks = unitsOf(average, this.#tickDp!);
    } else {
      const closed = Math.min(lots, Math.abs(q));
      const direction = q > 0 ? 1 : -1;
      const term = safeTimes(safeTimes(ticks - averageTicks, closed), direction);
      const places = this.#tickDp! + this.#lotDp!;
      // Nothing below returns false: the sum may change in place.
      if (Number.isNaN(term) || places > 22 || !this.#addTerm(term, places)) {
        // Off the tick grid (or a term past the counts): applyFillToPosition's decimal term, added exactly.
        const closedQty = decimalOfUnits(closed, this.#lotDp!);
        if (this.#pendingCount !== 0) this.#settle();
        this.#realized.plus(
          this.#price(ticks, fill).minus(this.#averageDecimal()).times(closedQty).times(direction),
        );
      }
      if (next === 0) {
        average = ZERO;
        averageTicks = 0;
      } else if (next > 0 !== q > 0) {
        average = this.#price(ticks, fill);
        averageTicks = ticks;
      }
    }
    this.#lots = next;
    this.#bought = bought;
    this.#sold = sold;
    this.#fills++;
    this.#average = average;
    this.#averageTicks = averageTicks;
    this.#view = undefined;
    return true;
  }
}
