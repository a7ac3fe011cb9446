// An order's status as its events arrive, for a holder that reads only the
// status (the kernel): the same transitions and checks as applyOrderEvent
// (tested equal), in one mutable object, without the copy of the order, its
// event list and its trade-id set that each immutable step makes.
import type { Decimal } from './decimal.ts';
import { InvalidStateTransition } from './errors.ts';
import type { Fill } from './fill.ts';
import type { Order, OrderEvent } from './order.ts';
import { compareFilled, fillQuantity } from './order-fill-checks.ts';
import { DEPENDS, nextTarget, type OrderEventType, OrderStatus } from './order-transitions.ts';

export class OrderProgress {
  readonly id: string;
  readonly symbol: string;
  readonly side: Order['side'];
  readonly quantity: Decimal;
  status: OrderStatus;
  filledQuantity: Decimal;
  statusBeforeCancel: OrderStatus | undefined;
  /** The trade ids applied (an order has a few: a list is cheaper than a Set). */
  #tradeIds: string[] | undefined;

  constructor(order: Order) {
    this.id = order.id;
    this.symbol = order.symbol;
    this.side = order.side;
    this.quantity = order.quantity;
    this.status = order.status;
    this.filledQuantity = order.filledQuantity;
    this.statusBeforeCancel = order.statusBeforeCancel;
    this.#tradeIds = order.tradeIds.size === 0 ? undefined : [...order.tradeIds];
  }

  /** applyOrderEvent's status change (or its error) for `event`. */
  apply(event: OrderEvent): void {
    const target = nextTarget(this.status, event.type as OrderEventType);
    if (target === undefined) throw new InvalidStateTransition(this.id, this.status, event.type);
    switch (event.type) {
      case 'OrderFilled':
        this.#fill(event.fill);
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

  #fill(fill: Fill): void {
    const qty = fillQuantity(this, fill, this.#tradeIds?.includes(fill.tradeId) === true);
    const filled = this.filledQuantity.plus(qty);
    const sign = compareFilled(this, fill.tradeId, filled);
    this.status =
      sign === 0
        ? OrderStatus.FILLED
        : this.status === OrderStatus.PENDING_CANCEL
          ? OrderStatus.PENDING_CANCEL
          : OrderStatus.PARTIALLY_FILLED;
    this.filledQuantity = filled;
    if (this.#tradeIds === undefined) this.#tradeIds = [fill.tradeId];
    else this.#tradeIds.push(fill.tradeId);
  }
}
