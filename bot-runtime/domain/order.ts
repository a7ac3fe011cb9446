// Orders are event sourced: an order is the fold of its events, and
// ORDER_TRANSITIONS alone decides what may follow what. Orders are immutable
// values; `applyOrderEvent` returns the next one.
import { type Decimal, type DecimalValue, ZERO } from './decimal.ts';
import { DomainError, DomainErrorCode, InvalidStateTransition } from './errors.ts';
import type { Fill } from './fill.ts';
import type { Instrument, OrderSide } from './instrument.ts';
import { meanPrice } from './mean-price.ts';
import { compareFilled, fillQuantity } from './order-fill-checks.ts';
import { DEPENDS, nextTarget, type OrderEventType, OrderStatus } from './order-transitions.ts';
import { openingPrice } from './position.ts';
import { compareDecimals } from './units.ts';

export type OrderType = 'MARKET' | 'LIMIT';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';

export interface OrderInit {
  readonly id: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity: Decimal;
  /** Required for LIMIT, absent for MARKET. */
  readonly price?: Decimal;
  readonly timeInForce: TimeInForce;
  readonly ts: number;
}

export type OrderEvent =
  | { readonly type: 'OrderDenied'; readonly reason: string; readonly ts: number }
  | { readonly type: 'OrderSubmitted'; readonly ts: number }
  | { readonly type: 'OrderRejected'; readonly reason: string; readonly ts: number }
  | { readonly type: 'OrderAccepted'; readonly venueOrderId: string; readonly ts: number }
  | { readonly type: 'OrderCancelRequested'; readonly ts: number }
  | { readonly type: 'OrderCancelRejected'; readonly reason: string; readonly ts: number }
  | { readonly type: 'OrderCanceled'; readonly ts: number }
  | { readonly type: 'OrderExpired'; readonly ts: number }
  | { readonly type: 'OrderFilled'; readonly fill: Fill; readonly ts: number };

export interface Order extends OrderInit {
  readonly status: OrderStatus;
  readonly filledQuantity: Decimal;
  /** Volume-weighted average fill price; undefined before the first fill. */
  readonly averagePrice: Decimal | undefined;
  readonly venueOrderId: string | undefined;
  readonly tradeIds: ReadonlySet<string>;
  readonly events: readonly OrderEvent[];
  readonly lastReason: string | undefined;
  /** The status a pending cancel interrupted, to return to if the cancel is rejected. */
  readonly statusBeforeCancel: OrderStatus | undefined;
}

interface OrderParams {
  id: string;
  side: OrderSide;
  type: OrderType;
  quantity: DecimalValue;
  price?: DecimalValue;
  timeInForce?: TimeInForce;
  ts: number;
}

/** A new order made through its instrument, so price and quantity sit on the venue's grid. */
export function createOrder(instrument: Instrument, params: OrderParams): Order {
  return unfilledOrder(instrument, params, OrderStatus.INITIALIZED, []);
}

/**
 * `applyOrderEvent(createOrder(instrument, params), { type: 'OrderSubmitted',
 * ts: params.ts })` made as one object (tested equal, errors included): the
 * kernel submits each order as it makes it, and the copy was most of its cost.
 */
export function createSubmittedOrder(instrument: Instrument, params: OrderParams): Order {
  return unfilledOrder(instrument, params, OrderStatus.SUBMITTED, [
    { type: 'OrderSubmitted', ts: params.ts },
  ]);
}

/** The order for `params` on the instrument's grid, with `status` and `events` and nothing filled. */
function unfilledOrder(
  instrument: Instrument,
  params: OrderParams,
  status: OrderStatus,
  events: OrderEvent[],
): Order {
  const { quantity, price } = onGrid(instrument, params);
  // One literal with initialOrder's keys in its order, so both make objects of one shape.
  return {
    id: params.id,
    symbol: instrument.symbol,
    side: params.side,
    type: params.type,
    quantity,
    price,
    timeInForce: params.timeInForce ?? 'GTC',
    ts: params.ts,
    status,
    filledQuantity: ZERO,
    averagePrice: undefined,
    venueOrderId: undefined,
    tradeIds: NO_TRADE_IDS,
    events,
    lastReason: undefined,
    statusBeforeCancel: undefined,
  };
}

/** The order's quantity and price on the instrument's grid, or createOrder's error. */
function onGrid(
  instrument: Instrument,
  params: OrderParams,
): { quantity: Decimal; price: Decimal | undefined } {
  if (!params.id) throw new DomainError(DomainErrorCode.INVALID_ORDER, 'order id is empty');
  if (params.type === 'LIMIT') {
    if (params.price === undefined) {
      throw new DomainError(DomainErrorCode.INVALID_ORDER, 'a LIMIT order needs a price', {
        order_id: params.id,
      });
    }
    const size = instrument.orderSize(params.side, params.price, params.quantity);
    return { quantity: size.quantity, price: size.price };
  }
  if (params.price !== undefined) {
    throw new DomainError(DomainErrorCode.INVALID_ORDER, 'a MARKET order takes no price', {
      order_id: params.id,
    });
  }
  const quantity = instrument.quantity(params.quantity);
  if (quantity.isZero() || compareDecimals(quantity, instrument.minQuantity) < 0) {
    throw new DomainError(
      DomainErrorCode.QUANTITY_BELOW_MINIMUM,
      `${instrument.symbol}: order quantity below minimum`,
      {
        quantity: quantity.toFixed(),
        min_quantity: instrument.minQuantity.toFixed(),
      },
    );
  }
  return { quantity, price: undefined };
}

/**
 * The trade ids of an order without fills, one Set for all: orders are values
 * and a fill makes the next order with a new Set (applyFill), so none is ever
 * added to (ReadonlySet).
 */
const NO_TRADE_IDS: ReadonlySet<string> = new Set();

/** The INITIALIZED order for an init record (what a store replays from). */
export function initialOrder(init: OrderInit): Order {
  return {
    ...init,
    status: OrderStatus.INITIALIZED,
    filledQuantity: ZERO,
    averagePrice: undefined,
    venueOrderId: undefined,
    tradeIds: NO_TRADE_IDS,
    events: [],
    lastReason: undefined,
    statusBeforeCancel: undefined,
  };
}

export function leavesQuantity(order: Order): Decimal {
  return order.quantity.minus(order.filledQuantity);
}

/** The order after `event`, or an InvalidStateTransition / DuplicateFill / OVERFILL error. */
export function applyOrderEvent(order: Order, event: OrderEvent): Order {
  const target = nextTarget(order.status, event.type as OrderEventType);
  if (target === undefined) throw new InvalidStateTransition(order.id, order.status, event.type);
  const events = [...order.events, event];
  switch (event.type) {
    case 'OrderFilled':
      return applyFill(order, event.fill, events);
    case 'OrderCancelRequested':
      return { ...order, status: OrderStatus.PENDING_CANCEL, statusBeforeCancel: order.status, events };
    case 'OrderCancelRejected':
      return {
        ...order,
        status: order.filledQuantity.isZero()
          ? (order.statusBeforeCancel ?? OrderStatus.ACCEPTED)
          : OrderStatus.PARTIALLY_FILLED,
        statusBeforeCancel: undefined,
        events,
        lastReason: event.reason,
      };
    case 'OrderAccepted':
      if (order.status === OrderStatus.PENDING_CANCEL) {
        // Accepted while a cancel is in flight: if the cancel is rejected, the order is live at the venue.
        return {
          ...order,
          venueOrderId: event.venueOrderId,
          statusBeforeCancel: OrderStatus.ACCEPTED,
          events,
        };
      }
      return { ...order, status: OrderStatus.ACCEPTED, venueOrderId: event.venueOrderId, events };
    case 'OrderDenied':
    case 'OrderRejected':
      return { ...order, status: target as OrderStatus, events, lastReason: event.reason };
    default:
      if (target === DEPENDS) throw new InvalidStateTransition(order.id, order.status, event.type);
      return { ...order, status: target, events };
  }
}

function applyFill(order: Order, fill: Fill, events: OrderEvent[]): Order {
  const qty = fillQuantity(order, fill, order.tradeIds.has(fill.tradeId));
  const filled = order.filledQuantity.plus(qty);
  const sign = compareFilled(order, fill.tradeId, filled);
  // The first fill's average is its price (exact, see openingPrice); later ones the volume-weighted mean.
  const averagePrice =
    order.averagePrice === undefined && order.filledQuantity.isZero()
      ? openingPrice(fill.price, qty)
      : meanPrice(order.averagePrice ?? ZERO, order.filledQuantity, fill.price, qty, filled);
  const status =
    sign === 0
      ? OrderStatus.FILLED
      : order.status === OrderStatus.PENDING_CANCEL
        ? OrderStatus.PENDING_CANCEL
        : OrderStatus.PARTIALLY_FILLED;
  const tradeIds =
    order.tradeIds.size === 0 ? new Set([fill.tradeId]) : new Set(order.tradeIds).add(fill.tradeId);
  return { ...order, status, filledQuantity: filled, averagePrice, tradeIds, events };
}

/** Rebuilds an order from its init record and events: the same fold the live path uses. */
export function replayOrder(init: OrderInit, events: readonly OrderEvent[]): Order {
  return events.reduce(applyOrderEvent, initialOrder(init));
}
