// The checks a fill passes before it changes an order, shared by the two
// folds of order events: applyOrderEvent (immutable) and OrderProgress (the
// kernel's mutable copy), so both give the same errors in the same order.
import { type Decimal, dec } from './decimal.ts';
import { DomainError, DomainErrorCode, DuplicateFill } from './errors.ts';
import type { Fill } from './fill.ts';
import type { OrderSide } from './instrument.ts';
import { compareDecimals } from './units.ts';

/** What a fill is checked against: the order it names and how much of it is filled. */
export interface FillTarget {
  readonly id: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: Decimal;
  readonly filledQuantity: Decimal;
}

/** The fill's quantity, or the error for a fill of another order, a repeated trade (`seen`) or a quantity not positive. */
export function fillQuantity(order: FillTarget, fill: Fill, seen: boolean): Decimal {
  if (fill.orderId !== order.id || fill.symbol !== order.symbol || fill.side !== order.side) {
    throw new DomainError(DomainErrorCode.ORDER_MISMATCH, 'fill does not belong to this order', {
      order_id: order.id,
      fill_order_id: fill.orderId,
      symbol: fill.symbol,
      side: fill.side,
    });
  }
  if (seen) throw new DuplicateFill(order.id, fill.tradeId);
  const qty = dec(fill.quantity);
  if (!qty.isFinite() || qty.isZero() || qty.isNegative()) {
    throw new DomainError(DomainErrorCode.INVALID_QUANTITY, 'fill quantity must be positive', {
      order_id: order.id,
      trade_id: fill.tradeId,
      quantity: fill.quantity,
    });
  }
  return qty;
}

/** compareDecimals(filled, order.quantity): 0 when `filled` completes the order, or OVERFILL when it is more. */
export function compareFilled(order: FillTarget, tradeId: string, filled: Decimal): number {
  const sign = compareDecimals(filled, order.quantity);
  if (sign > 0) {
    throw new DomainError(DomainErrorCode.OVERFILL, 'fill exceeds the order quantity', {
      order_id: order.id,
      trade_id: tradeId,
      quantity: order.quantity.toFixed(),
      filled: filled.toFixed(),
    });
  }
  return sign;
}
