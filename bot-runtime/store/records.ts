// What the ledger, the bus and the hot state store: plain JSON records with
// every money amount, price and quantity as a decimal string, made from and
// back into the domain's values. The same record travels in a JetStream
// message, a MongoDB document and a line of the file journal.

import { messageIds } from '../bus/message-ids.ts';
import {
  dec,
  type Fill,
  flatPosition,
  Money,
  type OrderEvent,
  type OrderInit,
  type Position,
} from '../domain/index.ts';
import type { OrderSide } from '../domain/instrument.ts';

export interface FillRecord {
  /** `<orderId>:<tradeId>`: the de-dup key everywhere (message id, `_id`, journal key). */
  readonly fillId: string;
  readonly orderId: string;
  readonly tradeId: string;
  readonly symbol: string;
  /** Quote currency of the instrument, so positions rebuild from fills alone. */
  readonly quote: string;
  readonly side: OrderSide;
  readonly quantity: string;
  readonly price: string;
  readonly fee: { readonly amount: string; readonly currency: string };
  readonly liquidity: Fill['liquidity'];
  readonly ts: number;
}

/** A fill as the ledger holds it: `seq` is its place in the ledger's order (gaps allowed). */
export interface StoredFill extends FillRecord {
  readonly seq: number;
}

export interface OrderRecord {
  readonly orderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderInit['type'];
  readonly quantity: string;
  readonly price?: string;
  readonly timeInForce: OrderInit['timeInForce'];
  readonly ts: number;
}

export interface OrderEventRecord {
  /** `<orderId>#<index>`. */
  readonly eventId: string;
  readonly orderId: string;
  /** 0-based position of the event in the order's history. */
  readonly index: number;
  readonly type: OrderEvent['type'];
  readonly ts: number;
  /** The rest of the event; for `OrderFilled`, `{ fill: FillRecord }`. */
  readonly data: Readonly<Record<string, unknown>>;
}

export interface PositionSnapshot {
  readonly symbol: string;
  readonly quote: string;
  readonly quantity: string;
  readonly averagePrice: string;
  readonly realizedPnl: string;
  readonly boughtQuantity: string;
  readonly soldQuantity: string;
  readonly fillCount: number;
  /** Ledger `seq` of the last fill folded in; a snapshot only ever replaces an older one. */
  readonly fillSeq: number;
  readonly ts: number;
}

export interface EquityPointRecord {
  readonly t: number;
  readonly equity: string;
  readonly currency: string;
}

/** The fill's id everywhere: `messageIds.fill`. */
export const fillIdOf: (orderId: string, tradeId: string) => string = messageIds.fill;

export function fillToRecord(fill: Fill, quote: string): FillRecord {
  return {
    fillId: fillIdOf(fill.orderId, fill.tradeId),
    orderId: fill.orderId,
    tradeId: fill.tradeId,
    symbol: fill.symbol,
    quote,
    side: fill.side,
    quantity: dec(fill.quantity).toFixed(),
    price: dec(fill.price).toFixed(),
    fee: { amount: fill.fee.amount.toFixed(), currency: fill.fee.currency },
    liquidity: fill.liquidity,
    ts: fill.ts,
  };
}

export function fillFromRecord(r: FillRecord): Fill {
  return {
    orderId: r.orderId,
    tradeId: r.tradeId,
    symbol: r.symbol,
    side: r.side,
    quantity: dec(r.quantity),
    price: dec(r.price),
    fee: new Money(r.fee.amount, r.fee.currency),
    liquidity: r.liquidity,
    ts: r.ts,
  };
}

export function orderToRecord(init: OrderInit): OrderRecord {
  return {
    orderId: init.id,
    symbol: init.symbol,
    side: init.side,
    type: init.type,
    quantity: init.quantity.toFixed(),
    ...(init.price === undefined ? {} : { price: init.price.toFixed() }),
    timeInForce: init.timeInForce,
    ts: init.ts,
  };
}

export function orderFromRecord(r: OrderRecord): OrderInit {
  return {
    id: r.orderId,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    quantity: dec(r.quantity),
    ...(r.price === undefined ? {} : { price: dec(r.price) }),
    timeInForce: r.timeInForce,
    ts: r.ts,
  };
}

/** `quote` is the order's instrument quote currency (for a fill inside the event). */
export function orderEventToRecord(
  orderId: string,
  index: number,
  event: OrderEvent,
  quote: string,
): OrderEventRecord {
  const { type, ts, ...rest } = event;
  const data: Record<string, unknown> =
    event.type === 'OrderFilled' ? { fill: fillToRecord(event.fill, quote) } : { ...rest };
  return { eventId: messageIds.orderEvent(orderId, index), orderId, index, type, ts, data };
}

export function orderEventFromRecord(r: OrderEventRecord): OrderEvent {
  if (r.type === 'OrderFilled') {
    return { type: 'OrderFilled', ts: r.ts, fill: fillFromRecord(r.data.fill as FillRecord) };
  }
  return { ...r.data, type: r.type, ts: r.ts } as OrderEvent;
}

export function positionToSnapshot(p: Position, fillSeq: number, ts: number): PositionSnapshot {
  return {
    symbol: p.symbol,
    quote: p.quote,
    quantity: p.quantity.toFixed(),
    averagePrice: p.averagePrice.toFixed(),
    realizedPnl: p.realizedPnl.amount.toFixed(),
    boughtQuantity: p.boughtQuantity.toFixed(),
    soldQuantity: p.soldQuantity.toFixed(),
    fillCount: p.fillCount,
    fillSeq,
    ts,
  };
}

export function positionFromSnapshot(s: PositionSnapshot): Position {
  return {
    ...flatPosition(s.symbol, s.quote),
    quantity: dec(s.quantity),
    averagePrice: dec(s.averagePrice),
    realizedPnl: new Money(s.realizedPnl, s.quote),
    boughtQuantity: dec(s.boughtQuantity),
    soldQuantity: dec(s.soldQuantity),
    fillCount: s.fillCount,
  };
}
