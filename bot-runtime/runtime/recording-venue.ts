// A Venue that passes everything to another venue and remembers the fills it
// reports, so the executor can record them in the ledger after the kernel's
// synchronous step. The kernel cannot tell it from the venue it wraps.
import type { Decimal, Fill, Order } from '../domain/index.ts';
import type { Venue, VenueEvent } from '../venue/venue.ts';

export class RecordingVenue implements Venue {
  readonly #inner: Venue;
  #fills: Fill[] = [];

  constructor(inner: Venue) {
    this.#inner = inner;
  }

  submit(order: Order, now: number): void {
    this.#inner.submit(order, now);
  }

  cancel(orderId: string, now: number): void {
    this.#inner.cancel(orderId, now);
  }

  protect(k: number, stopPrice: Decimal, quantity: Decimal, now: number): void {
    this.#inner.protect(k, stopPrice, quantity, now);
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
    const from = out.length;
    this.#inner.onCandle(k, t, open, high, low, close, volume, out);
    for (let i = from; i < out.length; i++) {
      const e = out[i]!;
      if (e.type === 'OrderFilled' || e.type === 'StopFilled') this.#fills.push(e.fill);
    }
  }

  activeCount(k: number): number {
    return this.#inner.activeCount(k);
  }

  /** The fills reported since the last call, in venue order. */
  takeFills(): Fill[] {
    const fills = this.#fills;
    this.#fills = [];
    return fills;
  }
}
