// An order's status as its events arrive, for a holder that reads only the
// status (the kernel): the same transitions and checks as applyOrderEvent
// (tested equal), in one mutable object, without the copy of the order, its
// event list and its trade-id set that each immutable step makes.
import { CountedFill } from './counted-fill.ts';
import type { Decimal } from './decimal.ts';
import { DomainError, DomainErrorCode, DuplicateFill, InvalidStateTransition } from './errors.ts';
import type { Fill } from './fill.ts';
import type { Order, OrderEvent } from './order.ts';
import { compareFilled, fillQuantity } from './order-fill-checks.ts';
import { DEPENDS, nextTarget, type OrderEventType, OrderStatus } from './order-transitions.ts';
import { decimalOfUnits, unitsOf } from './units.ts';

export class OrderProgress {
  readonly id: string;
  readonly symbol: string;
  readonly side: Order['side'];
  readonly quantity: Decimal;
  status: OrderStatus;
  statusBeforeCancel: OrderStatus | undefined;
  /** The filled quantity as a Decimal; undefined while it is kept as #filledLots (made when read). */
  #filled: Decimal | undefined;
  /** The filled quantity as a count of 10^-#lotDp while counted fills are applied (NaN: in #filled). */
  #filledLots = Number.NaN;
  #lotDp = 0;
  /** The quantity as a count of 10^-#lotDp (NaN: not one), taken at the first counted fill. */
  #quantityLots = Number.NaN;
  /** The trade ids applied (an order has a few: a list is cheaper than a Set). */
  #tradeIds: string[] | undefined;
  /** The trade numbers of counted fills applied (their ids are `${id}-${n}`). */
  #tradeNumbers: number[] | undefined;

  constructor(order: Order) {
    this.id = order.id;
    this.symbol = order.symbol;
    this.side = order.side;
    this.quantity = order.quantity;
    this.status = order.status;
    this.#filled = order.filledQuantity;
    this.statusBeforeCancel = order.statusBeforeCancel;
    this.#tradeIds = order.tradeIds.size === 0 ? undefined : [...order.tradeIds];
  }

  /** applyOrderEvent's status change (or its error) for `event`. */
  apply(event: OrderEvent): void {
    const target = nextTarget(this.status, event.type as OrderEventType);
    if (target === undefined) throw new InvalidStateTransition(this.id, this.status, event.type);
    switch (event.type) {
      case 'OrderFilled':
        if (event instanceof CountedFill) this.#fillCounted(event);
        else this.#fill(event.fill);
        return;
      case 'OrderCancelRequested':
        this.statusBeforeCancel = this.status;
        this.status = OrderStatus.PENDING_CANCEL;
        return;
      case 'OrderCancelRejected':
        this.status = this.filledQuantity.isZero()
          ? (this.statusBeforeCancel ?? OrderStatus.ACCEPTED)
          : OrderStatus.PARTIALLY_FILLED;
        this.statusBeforeCancel = undefined;
        return;
      case 'OrderAccepted':
        if (this.status === OrderStatus.PENDING_CANCEL) this.statusBeforeCancel = OrderStatus.ACCEPTED;
        else this.status = OrderStatus.ACCEPTED;
        return;
      case 'OrderDenied':
      case 'OrderRejected':
        this.status = target as OrderStatus;
        return;
      default:
        if (target === DEPENDS) throw new InvalidStateTransition(this.id, this.status, event.type);
        this.status = target;
    }
  }

  get filledQuantity(): Decimal {
    this.#filled ??= decimalOfUnits(this.#filledLots, this.#lotDp);
    return this.#filled;
  }

  /**
   * The order's quantity when it is `lots` counts of 10^-dp, as the counted
   * fills measured it (undefined: another value, or not measured): a holder
   * with a sum of as many lots may use this Decimal instead of making one.
   */
  quantityOfLots(lots: number, dp: number): Decimal | undefined {
    return lots === this.#quantityLots && dp === this.#lotDp ? this.quantity : undefined;
  }

  /** A trade id applied before (either kind of fill). */
  #seen(tradeId: string): boolean {
    if (this.#tradeIds?.includes(tradeId) === true) return true;
    const numbers = this.#tradeNumbers;
    if (numbers === undefined) return false;
    for (const n of numbers) if (tradeId === `${this.id}-${n}`) return true;
    return false;
  }

  #fill(fill: Fill): void {
    const qty = fillQuantity(this, fill, this.#seen(fill.tradeId));
    const filled = this.filledQuantity.plus(qty);
    const sign = compareFilled(this, fill.tradeId, filled);
    this.status =
      sign === 0
        ? OrderStatus.FILLED
        : this.status === OrderStatus.PENDING_CANCEL
          ? OrderStatus.PENDING_CANCEL
          : OrderStatus.PARTIALLY_FILLED;
    this.#filled = filled;
    this.#filledLots = Number.NaN;
    if (this.#tradeIds === undefined) this.#tradeIds = [fill.tradeId];
    else this.#tradeIds.push(fill.tradeId);
  }

  /**
   * #fill for a counted fill: the same checks and status, with the filled
   * quantity summed as a lot count while the order's quantity is one (else
   * #fill with the fill's literal).
   */
  #fillCounted(fill: CountedFill): void {
    if (
      fill.orderId !== this.id ||
      fill.symbol !== this.symbol ||
      fill.side !== this.side ||
      fill.lots <= 0
    ) {
      this.#fill(fill.fill);
      return;
    }
    const dp = fill.lotDp;
    if (Number.isNaN(this.#filledLots)) {
      // The first counted fill, or one after a decimal fill: count from the Decimals (NaN: not counts).
      this.#quantityLots = unitsOf(this.quantity, dp);
      this.#filledLots = unitsOf(this.#filled!, dp);
      this.#lotDp = dp;
    }
    if (dp !== this.#lotDp || Number.isNaN(this.#quantityLots) || Number.isNaN(this.#filledLots)) {
      this.#filledLots = Number.NaN;
      this.#fill(fill.fill);
      return;
    }
    if (this.#seenNumber(fill.n)) throw new DuplicateFill(this.id, fill.tradeId);
    const filled = this.#filledLots + fill.lots;
    if (filled > this.#quantityLots) {
      // compareFilled's error, with its texts.
      throw new DomainError(DomainErrorCode.OVERFILL, 'fill exceeds the order quantity', {
        order_id: this.id,
        trade_id: fill.tradeId,
        quantity: this.quantity.toFixed(),
        filled: decimalOfUnits(filled, dp).toFixed(),
      });
    }
    this.status =
      filled === this.#quantityLots
        ? OrderStatus.FILLED
        : this.status === OrderStatus.PENDING_CANCEL
          ? OrderStatus.PENDING_CANCEL
          : OrderStatus.PARTIALLY_FILLED;
    this.#filledLots = filled;
    this.#filled = undefined;
    if (this.#tradeNumbers === undefined) this.#tradeNumbers = [fill.n];
    else this.#tradeNumbers.push(fill.n);
  }

  /** A counted fill's trade number applied before, or its id among the decimal fills'. */
  #seenNumber(n: number): boolean {
    if (this.#tradeNumbers?.includes(n) === true) return true;
    return this.#tradeIds?.includes(`${this.id}-${n}`) === true;
  }
}
