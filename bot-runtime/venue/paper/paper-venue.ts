// The paper venue: fills orders against the candles that follow them.
//
// Fill model (docs/backtesting.md explains it with examples):
// - An order reaches the venue `latencyMs` (+ seeded jitter) after it was sent
//   and works from the candle during which it arrives. Within that candle a
//   market order fills at the candle's open: the closest known price.
// - A buy limit at or above the open fills at the open as taker; below it, it
//   rests and fills as maker at its price when the low trades through it
//   (low < limit); sells mirror this.
// - Taker fills pay slippage: `slippageBps` plus a volume-share impact of
//   `impactBps * sqrt(quantity / candle volume)` (+ seeded jitter), against the
//   taker and clamped to the candle's range. Maker fills pay none.
// - With `partialFills`, one candle fills at most `maxVolumeShare` of its
//   volume across all orders of the symbol; the rest works on the next candles.
// - The protective stop of a position triggers when the low reaches it and
//   fills at the stop (or at the open when the candle opens below it), as taker.
// - Fees: maker or taker percentage of the fill's notional, in the quote currency.
// Money, prices and quantities are decimals; the candle's floats are read
// through the instrument (tick grid) only when an order is there to fill. A
// fill on power-of-ten grids whose fee count fits is reported as a CountedFill
// (domain/counted-fill.ts): the same event, its Fill made only when read.
import type { ExecutionSpec } from '../../../crds/index.ts';
import { CountedFill } from '../../domain/counted-fill.ts';
import {
  type Decimal,
  dec,
  type Fill,
  type Instrument,
  Money,
  type Order,
  toFloat,
  ZERO,
} from '../../domain/index.ts';
import { objectList } from '../../domain/lists.ts';
import { decimalOfUnits, pow10, safeTimes, unitsOf } from '../../domain/units.ts';
import { Grid } from '../grid.ts';
import type { Venue, VenueEvent } from '../venue.ts';
import { type FeeRate, feeRate, fillFee } from './fee.ts';
import { Prng } from './prng.ts';
import { bpsUnits, slippedPrice, slippedTicksOf } from './slippage.ts';

export { bpsFactor, bpsUnits } from './slippage.ts';

export interface PaperVenueOptions {
  /** Instrument of each symbol index the kernel uses. */
  readonly instruments: readonly Instrument[];
  readonly timeframeMs: number;
  readonly execution: Pick<
    ExecutionSpec,
    'makerFeePercent' | 'takerFeePercent' | 'slippageBps' | 'latencyMs' | 'partialFills'
  >;
  /** Largest share of a candle's volume one symbol's orders may fill (default 0.1). */
  readonly maxVolumeShare?: number;
  /** Impact in bps of an order as large as the candle's volume (default 10; square-root law). */
  readonly impactBps?: number;
  /** Extra latency, uniform in [0, jitter) ms, from the seeded PRNG (default 0). */
  readonly latencyJitterMs?: number;
  /** Extra slippage, uniform in [0, jitter) bps, from the seeded PRNG (default 0). */
  readonly slippageJitterBps?: number;
  readonly seed?: number;
}

interface Working {
  readonly order: Order;
  readonly k: number;
  readonly buy: boolean;
  readonly limit: Decimal | undefined;
  readonly limitF: number;
  /** The limit as a tick count (NaN: none, or not a count). */
  readonly limitTicks: number;
  readonly arrival: number;
  remaining: Decimal;
  /** `remaining` as a count of lots (NaN: not one): a fill of all of it reads no Decimal. */
  remainingLots: number;
  accepted: boolean;
  fills: number;
  cancelAt: number;
}

interface Stop {
  id: string;
  price: Decimal;
  priceF: number;
  quantity: Decimal;
  triggered: boolean;
  fills: number;
}

/** x > 0, without the Decimal that `gt(0)` makes for its argument. */
function positive(x: Decimal): boolean {
  return !x.isZero() && !x.isNegative();
}

/** `a.minus(b)` for quantities: from lot counts when both are on a power-of-ten lot grid (the same value), else in decimals. */
export function lessQuantity(grid: Grid, a: Decimal, b: Decimal): Decimal {
  const dp = grid.lotPlaces;
  if (dp !== undefined) {
    const d = unitsOf(a, dp) - unitsOf(b, dp);
    // Nothing left (the common case): the shared zero, the same value without a new Decimal.
    if (d === 0) return ZERO;
    if (Number.isSafeInteger(d)) return decimalOfUnits(d, dp);
  }
  return a.minus(b);
}

export class PaperVenue implements Venue {
  /** #fill makes every fill as one Fill literal. */
  readonly plainFills = true;
  readonly options: PaperVenueOptions;
  readonly #instruments: readonly Instrument[];
  readonly #grids: readonly Grid[];
  readonly #tf: number;
  readonly #maker: FeeRate;
  readonly #taker: FeeRate;
  readonly #share: number;
  readonly #impact: number;
  readonly #prng: Prng;
  /**
   * One list for the venue's life (objectList, compacted in place): one shape
   * for the optimizer. Its first #workingCount slots are the working orders;
   * the length is never set to 0, which would drop the backing store (V8) and
   * make the next submit allocate a new one.
   */
  readonly #working: (Working | undefined)[] = objectList();
  #workingCount = 0;
  readonly #stops: (Stop | undefined)[];
  readonly #active: Int32Array;
  #stopSeq = 0;
  /** The taker price #slip made in decimals when its tick count was not one. */
  #slipped: Decimal | undefined;

  constructor(options: PaperVenueOptions) {
    this.options = options;
    this.#instruments = options.instruments;
    this.#grids = options.instruments.map((i) => new Grid(i));
    this.#tf = options.timeframeMs;
    this.#maker = feeRate(dec(options.execution.makerFeePercent).div(100));
    this.#taker = feeRate(dec(options.execution.takerFeePercent).div(100));
    this.#share = options.maxVolumeShare ?? 0.1;
    if (!(this.#share > 0 && this.#share <= 1))
      throw new RangeError(`maxVolumeShare must be in (0, 1], got ${this.#share}`);
    this.#impact = options.impactBps ?? 10;
    this.#prng = new Prng(options.seed ?? 1);
    this.#stops = options.instruments.map(() => undefined);
    this.#active = new Int32Array(options.instruments.length);
  }

  /** Fee rate of a taker fill (for sizing: the cash an entry needs). */
  get takerFeeRate(): Decimal {
    return this.#taker.rate;
  }

  activeCount(k: number): number {
    return this.#active[k]!;
  }

  #index(symbol: string): number {
    const k = this.#instruments.findIndex((i) => i.symbol === symbol);
    if (k < 0) throw new RangeError(`paper venue: unknown symbol ${symbol}`);
    return k;
  }

  submit(order: Order, now: number): void {
    const k = this.#index(order.symbol);
    const jitter = this.options.latencyJitterMs
      ? Math.floor(this.#prng.next() * this.options.latencyJitterMs)
      : 0;
    // A new order has filled nothing: its quantity is what remains (the same value).
    const remaining = order.filledQuantity.isZero()
      ? order.quantity
      : order.quantity.minus(order.filledQuantity);
    const lotDp = this.#grids[k]!.lotPlaces;
    const w: Working = {
      order,
      k,
      buy: order.side === 'BUY',
      limit: order.price,
      limitF: order.price ? toFloat(order.price) : Number.NaN,
      limitTicks: order.price ? this.#grids[k]!.ticksOf(order.price) : Number.NaN,
      arrival: now + this.options.execution.latencyMs + jitter,
      remaining,
      remainingLots: lotDp === undefined || lotDp > 22 ? Number.NaN : unitsOf(remaining, lotDp),
      accepted: false,
      fills: 0,
      cancelAt: Number.POSITIVE_INFINITY,
    };
    if (this.#workingCount < this.#working.length) this.#working[this.#workingCount] = w;
    else this.#working.push(w);
    this.#workingCount++;
    this.#active[k]!++;
  }

  cancel(orderId: string, now: number): void {
    const list = this.#working;
    let w: Working | undefined;
    for (let i = 0; i < this.#workingCount; i++) {
      if (list[i]!.order.id === orderId) {
        w = list[i];
        break;
      }
    }
    if (w && w.cancelAt === Number.POSITIVE_INFINITY) w.cancelAt = now + this.options.execution.latencyMs;
  }

  protect(k: number, stopPrice: Decimal, quantity: Decimal, _now: number): void {
    const had = this.#stops[k] !== undefined;
    if (!positive(quantity)) {
      this.#stops[k] = undefined;
      if (had) this.#active[k]!--;
      return;
    }
    const inst = this.#instruments[k]!;
    // The caller gives a price on the tick grid (the kernel rounds the stop down to it).
    const price = stopPrice;
    const old = this.#stops[k];
    if (old !== undefined) {
      // Moved or resized: the same bracket (id, trigger and fill count kept).
      old.price = price;
      old.priceF = toFloat(price);
      old.quantity = quantity;
      return;
    }
    this.#stops[k] = {
      id: `${inst.symbol}-SL-${++this.#stopSeq}`,
      price,
      priceF: toFloat(price),
      quantity,
      triggered: false,
      fills: 0,
    };
    this.#active[k]!++;
  }

  onCandle(
    k: number,
    t: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
    out: VenueEvent[],
  ): void {
    if (this.#active[k] === 0) return;
    void close;
    const inst = this.#instruments[k]!;
    const grid = this.#grids[k]!;
    const end = t + this.#tf;
    const partial = this.options.execution.partialFills;
    const stop = this.#stops[k];
    // Nothing can fill this candle: a stop not reached and no order that has arrived (the common case, kept float-only).
    if ((stop === undefined || (!stop.triggered && low > stop.priceF)) && !this.#anyArrived(k, end)) return;
    // Volume this candle can still give to this symbol's orders: a float guard, and the
    // decimal (lot-rounded) figure only when a fill comes near it.
    const roomF = partial ? volume * this.#share : Number.POSITIVE_INFINITY;
    let used = 0;
    let usedD: Decimal | undefined;

    if (stop && (stop.triggered || low <= stop.priceF)) {
      if (!stop.triggered) {
        stop.triggered = true;
        // One-cancels-other: the stop takes the position, working sells of the symbol are canceled.
        const list = this.#working;
        for (let i = 0; i < this.#workingCount; i++) {
          const w = list[i]!;
          if (w.k === k && !w.buy) {
            w.cancelAt = t;
          }
        }
      }
      // At the open (a gap, or the rest of a triggered stop), or at the stop.
      const base = open <= stop.priceF || stop.fills > 0 ? undefined : stop.price;
      let qty = stop.quantity;
      let qtyF = toFloat(qty);
      if (qtyF + used >= roomF * (1 - 1e-9)) {
        const room = grid.quantity(dec(roomF)).minus(usedD ?? 0);
        if (room.lt(qty)) {
          qty = room;
          qtyF = toFloat(qty);
        }
      }
      if (positive(qty) && qty.gte(inst.minQuantity)) {
        const ticks = this.#slip(grid, false, base, open, qtyF, volume, high, low);
        out.push(
          this.#filled(
            'StopFilled',
            k,
            stop.id,
            ++stop.fills,
            inst,
            'SELL',
            qty,
            Number.NaN,
            ticks,
            'TAKER',
            Math.max(t, 0),
          ),
        );
        used += qtyF;
        usedD = usedD ? usedD.plus(qty) : qty;
        stop.quantity = lessQuantity(grid, stop.quantity, qty);
        if (!positive(stop.quantity)) {
          this.#stops[k] = undefined;
          this.#active[k]!--;
        }
      }
    }

    let removed = false;
    const working = this.#working;
    const count = this.#workingCount;
    for (let i = 0; i < count; i++) {
      const w = working[i]!;
      if (w.k !== k || w.arrival >= end) continue;
      const ts = Math.max(t, w.arrival);
      if (w.cancelAt <= t) {
        // The cancel arrived before this candle opened.
        this.#finish(w, out, ts);
        removed = true;
        continue;
      }
      if (!w.accepted) {
        w.accepted = true;
        out.push({
          type: 'OrderAccepted',
          orderId: w.order.id,
          venueOrderId: `P-${w.order.id}`,
          ts: w.arrival,
        });
      }
      // A market order, or a limit marketable at the open, fills at the open as taker; a resting limit at its price as maker.
      const atOpen = w.limit === undefined || (w.buy ? open <= w.limitF : open >= w.limitF);
      const maker = !atOpen && (w.buy ? low < w.limitF : high > w.limitF);
      if (atOpen || maker) {
        let qty = w.remaining;
        // All that remains while it is a count: its double is the count's quotient (toFloat's), no Decimal read.
        let lots = w.remainingLots;
        let qtyF = Number.isNaN(lots) ? toFloat(qty) : lots / pow10(grid.lotPlaces!);
        if (qtyF + used >= roomF * (1 - 1e-9)) {
          const room = grid.quantity(dec(roomF)).minus(usedD ?? 0);
          if (room.lt(qty)) {
            qty = room;
            qtyF = toFloat(qty);
            lots = Number.NaN;
          }
        }
        const whole = qty === w.remaining;
        if (
          whole
            ? Number.isNaN(lots)
              ? positive(qty)
              : lots > 0
            : positive(qty) && (qty.gte(inst.minQuantity) || qty.eq(w.remaining))
        ) {
          let ticks: number;
          if (maker) {
            ticks = w.limitTicks;
            this.#slipped = w.limit;
          } else ticks = this.#slip(grid, w.buy, undefined, open, qtyF, volume, high, low);
          const liquidity = maker ? 'MAKER' : 'TAKER';
          out.push(
            this.#filled(
              'OrderFilled',
              k,
              w.order.id,
              ++w.fills,
              inst,
              w.order.side,
              qty,
              whole ? lots : Number.NaN,
              ticks,
              liquidity,
              ts,
            ),
          );
          used += qtyF;
          usedD = usedD ? usedD.plus(qty) : qty;
          const counted = whole && !Number.isNaN(lots);
          if (counted) {
            // Nothing left: what lessQuantity gives on a power-of-ten lot grid.
            w.remaining = ZERO;
            w.remainingLots = 0;
          } else {
            w.remaining = lessQuantity(grid, w.remaining, qty);
            const lotDp = grid.lotPlaces;
            w.remainingLots = lotDp === undefined || lotDp > 22 ? Number.NaN : unitsOf(w.remaining, lotDp);
          }
          if (counted || !positive(w.remaining)) {
            w.cancelAt = Number.NEGATIVE_INFINITY; // done: drop without an event
            removed = true;
            this.#active[k]!--;
            continue;
          }
        }
      }
      if (w.cancelAt < end) {
        this.#finish(w, out, Math.max(t, w.cancelAt));
        removed = true;
      }
    }
    if (removed) {
      let kept = 0;
      for (let i = 0; i < count; i++) {
        const w = working[i]!;
        if (w.cancelAt !== Number.NEGATIVE_INFINITY) working[kept++] = w;
      }
      // The slots after the kept orders hold none (the list keeps its length and store).
      for (let i = kept; i < count; i++) working[i] = undefined;
      this.#workingCount = kept;
    }
  }

  #anyArrived(k: number, end: number): boolean {
    const list = this.#working;
    for (let i = 0; i < this.#workingCount; i++) {
      const w = list[i]!;
      if (w.k === k && w.arrival < end) return true;
    }
    return false;
  }

  #finish(w: Working, out: VenueEvent[], ts: number): void {
    out.push({ type: 'OrderCanceled', orderId: w.order.id, ts });
    w.cancelAt = Number.NEGATIVE_INFINITY;
    this.#active[w.k]!--;
  }

  /**
   * The taker price from `base`, or (undefined) from the open's price, as a
   * tick count; NaN when the counts cannot decide, with the price made in
   * decimals (`priceFromNumber(open)` only then) in #slipped.
   */
  #slip(
    inst: Grid,
    buy: boolean,
    base: Decimal | undefined,
    open: number,
    qtyF: number,
    volume: number,
    high: number,
    low: number,
  ): number {
    const share = volume > 0 ? Math.min(1, qtyF / volume) : 1;
    let bps = this.options.execution.slippageBps + this.#impact * Math.sqrt(share);
    if (this.options.slippageJitterBps) bps += this.#prng.next() * this.options.slippageJitterBps;
    // The open's tick count is the one its price has (priceFromNumber makes it from ticksFromNumber when that decides).
    let baseTicks = base === undefined ? inst.ticksFromNumber(open) : inst.ticksOf(base);
    if (Number.isNaN(baseTicks) && base === undefined) {
      base = inst.priceFromNumber(open);
      baseTicks = inst.ticksOf(base);
    }
    const ticks = slippedTicksOf(inst, buy, baseTicks, bpsUnits(bps), high, low);
    if (!Number.isNaN(ticks)) return ticks;
    this.#slipped = slippedPrice(inst, buy, base ?? inst.priceFromNumber(open), bps, high, low);
    return Number.NaN;
  }

  /**
   * The fill's event: a CountedFill when its quantity, price (`ticks`) and fee
   * are counts on the grids (the same values #fill's Decimals have), else the
   * event with #fill's literal at the price `ticks` gives or #slipped holds.
   * `quantityLots`: the quantity as a lot count when the caller has it (NaN:
   * counted here).
   */
  #filled(
    type: 'OrderFilled' | 'StopFilled',
    k: number,
    orderId: string,
    n: number,
    inst: Instrument,
    side: 'BUY' | 'SELL',
    quantity: Decimal,
    quantityLots: number,
    ticks: number,
    liquidity: 'MAKER' | 'TAKER',
    ts: number,
  ): VenueEvent {
    const grid = this.#grids[k]!;
    const lotDp = grid.lotPlaces;
    const tickDp = grid.tickPlaces;
    if (!Number.isNaN(ticks) && lotDp !== undefined) {
      const rate = liquidity === 'MAKER' ? this.#maker : this.#taker;
      const lots = Number.isNaN(quantityLots) ? unitsOf(quantity, lotDp) : quantityLots;
      // fillFee's count, at fillFee's places.
      const fee = safeTimes(safeTimes(ticks, lots), rate.units);
      const feeDp = tickDp! + lotDp + rate.places;
      if (lots > 0 && ticks > 0 && !Number.isNaN(fee) && feeDp <= 22)
        return new CountedFill(
          type,
          orderId,
          n,
          inst.symbol,
          side,
          lots,
          lotDp,
          ticks,
          tickDp!,
          fee,
          feeDp,
          inst.quote,
          liquidity,
          ts,
        );
    }
    const price = Number.isNaN(ticks) ? this.#slipped! : grid.priceOfTicks(ticks);
    const fill = this.#fill(k, orderId, n, inst, side, quantity, price, liquidity, ts);
    return { type, orderId, fill, ts };
  }

  #fill(
    k: number,
    orderId: string,
    n: number,
    inst: Instrument,
    side: 'BUY' | 'SELL',
    quantity: Decimal,
    price: Decimal,
    liquidity: 'MAKER' | 'TAKER',
    ts: number,
  ): Fill {
    const maker = liquidity === 'MAKER';
    return {
      orderId,
      tradeId: `${orderId}-${n}`,
      symbol: inst.symbol,
      side,
      quantity,
      price,
      fee: new Money(
        fillFee(this.#grids[k]!, price, quantity, maker ? this.#maker : this.#taker),
        inst.quote,
      ),
      liquidity,
      ts,
    };
  }
}
