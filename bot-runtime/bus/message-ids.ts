// Message ids of durable events: the same fact always gets the same id, which
// is what JetStream de-duplicates on (docs/messaging.md, "De-duplication").
import type { EventKind } from './subjects.ts';

export const messageIds = {
  /** A fill: the venue's trade id is unique per order. Equal to `FillRecord.fillId`. */
  fill: (orderId: string, tradeId: string): string => `${orderId}:${tradeId}`,
  /** A new order (its record before any event). */
  order: (orderId: string): string => `${orderId}#new`,
  /** An order event: its 0-based place in the order's history. */
  orderEvent: (orderId: string, index: number): string => `${orderId}#${index}`,
  /** A position change: the ledger seq of the last fill folded in. */
  position: (symbol: string, fillSeq: number): string => `${symbol}@${fillSeq}`,
  /** A signal: one per strategy, symbol and candle. */
  signal: (strategy: string, symbol: string, candleOpenTime: number): string =>
    `${strategy}:${symbol}:${candleOpenTime}`,
} as const satisfies Record<string, (...args: never[]) => string>;

export type MessageIdKind = keyof typeof messageIds;

/** Which stream each id belongs to. */
export const messageIdStream: Readonly<Record<MessageIdKind, EventKind>> = {
  fill: 'fills',
  order: 'orders',
  orderEvent: 'orders',
  position: 'positions',
  signal: 'signals',
};
