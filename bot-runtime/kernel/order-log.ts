// The orders a kernel keeps (its `orders`), as columns: the quantity as a lot
// count where it is one, the status as a code that follows the order's
// events. A record is an object of nine fields and a decimal text (about 200
// bytes, and a Decimal#toFixed per order) that the collector copies twice on
// the way to the old generation; a row is 24 bytes of typed columns and two
// references. The records are made when `orders` is read, equal to what the
// kernel made before (the same keys in the same order; a quantity's text is
// decimal.js's toFixed of the same value), and a made record's status follows
// later events as before.

import { type Decimal, OrderStatus } from '../domain/index.ts';
import { doubled, objectList } from '../domain/lists.ts';
import { decimalOfUnits, unitsOf } from '../domain/units.ts';

export interface OrderRecord {
  readonly id: string;
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly type: 'MARKET' | 'LIMIT';
  readonly quantity: string;
  readonly price: string | undefined;
  readonly ts: number;
  /** Strategies whose signal agreed with the decision. */
  readonly strategies: readonly string[];
  status: string;
}

const STATUSES: readonly string[] = Object.values(OrderStatus);
/** An order status's index in STATUSES. */
function statusCode(status: string): number {
  const code = STATUSES.indexOf(status);
  if (code < 0) throw new RangeError(`not an order status: ${status}`);
  return code;
}

const BUY = 1;
const LIMIT = 2;
/** The lot places of a row whose quantity and price are kept as texts. */
const TEXTS = 255;

export class OrderLog {
  readonly #symbols: readonly string[];
  #n = 0;
  // objectList: see lists.ts.
  readonly #id: string[] = objectList();
  readonly #strategies: (readonly string[])[] = objectList();
  /** Quantity and price texts of the rows not kept as a lot count (a limit price, a quantity off the lot grid). */
  readonly #texts = new Map<number, { quantity: string; price: string | undefined }>();
  /** Per row: lots, ts. */
  #counts = new Float64Array(2 * 64);
  /** Per row: symbol index, side and type flags, lot places (TEXTS: see #texts), status code. */
  #small = new Uint32Array(4 * 64);
  /** The records made so far (the first `#made.length` orders), extended when read. */
  readonly #made: OrderRecord[] = objectList();

  /** `symbols[k]`: the symbol an order of index k is recorded under. */
  constructor(symbols: readonly string[]) {
    this.#symbols = symbols;
  }

  get length(): number {
    return this.#n;
  }

  /** Records an order; `lotDp`: the places of a power-of-ten lot (undefined: none). Returns its row. */
  add(
    id: string,
    k: number,
    side: 'BUY' | 'SELL',
    type: 'MARKET' | 'LIMIT',
    quantity: Decimal,
    price: Decimal | undefined,
    ts: number,
    strategies: readonly string[],
    status: string,
    lotDp: number | undefined,
  ): number {
    const i = this.#n++;
    this.#room(i);
    this.#id.push(id);
    this.#strategies.push(strategies);
    const lots =
      lotDp === undefined || lotDp > 22 || price !== undefined ? Number.NaN : unitsOf(quantity, lotDp);
    const m = this.#small;
    m[4 * i] = k;
    m[4 * i + 1] = (side === 'BUY' ? BUY : 0) | (type === 'LIMIT' ? LIMIT : 0);
    m[4 * i + 3] = statusCode(status);
    this.#counts[2 * i + 1] = ts;
    if (Number.isNaN(lots)) {
      m[4 * i + 2] = TEXTS;
      this.#texts.set(i, { quantity: quantity.toFixed(), price: price?.toFixed() });
    } else {
      m[4 * i + 2] = lotDp!;
      this.#counts[2 * i] = lots;
    }
    return i;
  }

  /** The order of row `i` is now `status` (and so is its record, if made). */
  setStatus(i: number, status: string): void {
    this.#small[4 * i + 3] = statusCode(status);
    if (i < this.#made.length) this.#made[i]!.status = status;
  }

  /** Room for row `i` in the typed columns (doubling). */
  #room(i: number): void {
    if (4 * i < this.#small.length) return;
    this.#counts = doubled(this.#counts);
    this.#small = doubled(this.#small);
  }

  /** Every order recorded, in order (each record made on the first read). */
  orders(): OrderRecord[] {
    const made = this.#made;
    for (let i = made.length; i < this.#n; i++) made.push(this.#record(i));
    return made;
  }

  #record(i: number): OrderRecord {
    const m = this.#small;
    const flags = m[4 * i + 1]!;
    const lotDp = m[4 * i + 2]!;
    const texts = lotDp === TEXTS ? this.#texts.get(i)! : undefined;
    // The keys in the order the kernel wrote them (JSON and equality see the same object).
    return {
      id: this.#id[i]!,
      symbol: this.#symbols[m[4 * i]!]!,
      side: flags & BUY ? 'BUY' : 'SELL',
      type: flags & LIMIT ? 'LIMIT' : 'MARKET',
      quantity: texts ? texts.quantity : decimalOfUnits(this.#counts[2 * i]!, lotDp).toFixed(),
      price: texts?.price,
      ts: this.#counts[2 * i + 1]!,
      strategies: this.#strategies[i]!,
      status: STATUSES[m[4 * i + 3]!]!,
    };
  }
}
