// A Venue that passes everything to another venue and remembers the fills it
// reports, so the executor can record them in the ledger after the kernel's
// synchronous step. The kernel cannot tell it from the venue it wraps.
import type { Decimal, Fill, Order, OrderEvent } from '../domain/index.ts';
import type { Venue, VenueEvent } from '../venue/venue.ts';

export class RecordingVenue implements Venue {
  readonly #inner: Venue;
  #fills: Fill[] = [];
  #events: { orderId: string; event: OrderEvent }[] = [];

  constructor(inner: Venue) {
    this.#inner = inner;
  }

  submit(order: Order, now: number): void {
    this.#events.push({ orderId: order.id, event: { type: 'OrderSubmitted', ts: now } });
    this.#inner.submit(order, now);
  }

  cancel(orderId: string, now: number): void {
    this.#events.push({ orderId, event: { type: 'OrderCancelRequested', ts: now } });
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
      // The order's own history (a stop is the position's bracket, not an order of the kernel's).
      if (e.type === 'StopFilled') continue;
      const { orderId, type, ts } = e;
      this.#events.push({
        orderId,
        event:
          e.type === 'OrderFilled'
            ? { type, ts, fill: e.fill }
            : e.type === 'OrderAccepted'
              ? { type, ts, venueOrderId: e.venueOrderId }
              : e.type === 'OrderRejected'
                ? { type, ts, reason: e.reason }
                : { type: 'OrderCanceled', ts },
      } as { orderId: string; event: OrderEvent });
    }
  }

  activeCount(k: number): number {
    return this.#inner.activeCount(k);
  }

  /** Order events since the last call (submitted, cancel requested, and the venue's answers), in order. */
  takeOrderEvents(): { orderId: string; event: OrderEvent }[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  /** The fills reported since the last call, in venue order. */
  takeFills(): Fill[] {
    const fills = this.#fills;
    this.#fills = [];
    return fills;
  }
}
