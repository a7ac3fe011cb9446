// What the kernel trades through. The paper venue simulates fills against
// candles; an exchange adapter (later) sends the same orders to an exchange and
// reports the same events. The kernel cannot tell them apart.
import type { Decimal, Fill, Order } from '../domain/index.ts';

/**
 * A venue's events. A fill event may be a CountedFill (domain/counted-fill.ts)
 * that keeps its fill as counts and makes `fill` when it is first read: the
 * kernel books the counts; any other reader sees the same Fill.
 */
export type VenueEvent =
  | {
      readonly type: 'OrderAccepted';
      readonly orderId: string;
      readonly venueOrderId: string;
      readonly ts: number;
    }
  | { readonly type: 'OrderFilled'; readonly orderId: string; readonly fill: Fill; readonly ts: number }
  | { readonly type: 'OrderCanceled'; readonly orderId: string; readonly ts: number }
  | { readonly type: 'OrderRejected'; readonly orderId: string; readonly reason: string; readonly ts: number }
  | {
      /** The protective stop of a symbol triggered and filled (in part or whole). */
      readonly type: 'StopFilled';
      readonly orderId: string;
      readonly fill: Fill;
      readonly ts: number;
    };

export interface Venue {
  /**
   * True when every fill this venue reports is a plain Fill literal (exactly
   * the Fill fields, in their order, nothing else): the kernel may then keep
   * it as counts and make an equal object when its fills are read.
   */
  readonly plainFills?: boolean;
  /** Sends an order; it reaches the venue `latencyMs` after `now`. */
  submit(order: Order, now: number): void;
  /** Asks to cancel a working order; the answer comes as an event. */
  cancel(orderId: string, now: number): void;
  /**
   * Sets (or moves, or with quantity 0 removes) the protective stop-loss of a
   * long position in symbol `k`: a sell that triggers when the price trades at
   * or below `stopPrice` (on the instrument's tick grid: the caller rounds it). It is part of the position's bracket at the venue, not
   * a new order, so it keeps protecting while the bot is halted.
   */
  protect(k: number, stopPrice: Decimal, quantity: Decimal, now: number): void;
  /** One closed candle of symbol `k`: working orders match against it; events go to `out`. */
  onCandle(
    k: number,
    t: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
    out: VenueEvent[],
  ): void;
  /** Working orders plus stops of symbol `k` (0 lets the kernel skip the venue). */
  activeCount(k: number): number;
}
