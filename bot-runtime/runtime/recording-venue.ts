// A Venue that passes everything to another venue and remembers the fills and
// order events it reports, so the executor can record them in the ledger after
// the kernel's synchronous step. The kernel cannot tell it from the venue it
// wraps. It keeps the venue's events as they come and reads nothing of them
// during the step: a fill the venue keeps as counts (a CountedFill) is made a
// Fill only when the executor reads it, after the step's clock.
import type { Decimal, Fill, Order, OrderEvent } from '../domain/index.ts';
import type { Venue, VenueEvent } from '../venue/venue.ts';

/** A fill event of the venue (OrderFilled or StopFilled); its `fill` may be made when first read. */
export type FillEvent = Extract<VenueEvent, { readonly fill: Fill }>;

/** An event of one order's history, in the order it happened. */
export interface RecordedOrderEvent {
  readonly orderId: string;
  readonly event: OrderEvent;
}

export class RecordingVenue implements Venue {
  readonly #inner: Venue;
  #fills: FillEvent[] = [];
  #events: RecordedOrderEvent[] = [];

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
      if (e.type === 'OrderFilled' || e.type === 'StopFilled') this.#fills.push(e);
      // The order's own history (a stop is the position's bracket, not an order of the kernel's).
      if (e.type !== 'StopFilled') this.#events.push(new VenueOrderEvent(e));
    }
  }

  activeCount(k: number): number {
    return this.#inner.activeCount(k);
  }

  /** Whether the venue reported anything since the events were last taken. */
  get hasEvents(): boolean {
    return this.#events.length !== 0 || this.#fills.length !== 0;
  }

  /** Order events since the last call (submitted, cancel requested, and the venue's answers), in order. */
  takeOrderEvents(): RecordedOrderEvent[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  /** The fill events reported since the last call, in venue order (read `fill` for each Fill). */
  takeFillEvents(): FillEvent[] {
    const fills = this.#fills;
    this.#fills = [];
    return fills;
  }
}

/** An order's event from the venue's report, made when first read. */
class VenueOrderEvent implements RecordedOrderEvent {
  readonly orderId: string;
  readonly #reported: Exclude<VenueEvent, { type: 'StopFilled' }>;
  #event: OrderEvent | undefined;

  constructor(reported: Exclude<VenueEvent, { type: 'StopFilled' }>) {
    this.orderId = reported.orderId;
    this.#reported = reported;
  }

  get event(): OrderEvent {
    this.#event ??= orderEventOf(this.#reported);
    return this.#event;
  }
}

/** The order's event for what the venue reported (its orderId aside). */
function orderEventOf(e: Exclude<VenueEvent, { type: 'StopFilled' }>): OrderEvent {
  const { type, ts } = e;
  switch (type) {
    case 'OrderFilled':
      return { type, ts, fill: e.fill };
    case 'OrderAccepted':
      return { type, ts, venueOrderId: e.venueOrderId };
    case 'OrderRejected':
      return { type, ts, reason: e.reason };
    case 'OrderCanceled':
      return { type: 'OrderCanceled', ts };
  }
}
