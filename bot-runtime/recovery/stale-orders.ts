// Orders working when the executor died. A seeded restart starts a new kernel
// that does not know them (its paper venue never saw them), so they will never
// fill nor be canceled: the ledger records them as canceled, with the reason,
// rather than showing them working forever. The event id is the order's next
// index, so doing it again after a crash in the middle writes nothing twice.

import { dec } from '../domain/index.ts';
import type { Ledger } from '../store/ledger.ts';
import { type OrderEventRecord, type OrderRecord, orderEventToRecord } from '../store/records.ts';

export const STALE_ORDER_REASON = 'stale after an executor restart (seed): the new kernel does not hold it';

const FINAL = new Set<OrderEventRecord['type']>([
  'OrderCanceled',
  'OrderExpired',
  'OrderRejected',
  'OrderDenied',
]);

/** Still working after `events`: nothing ended it and its fills do not add up to its quantity. */
export function isWorking(order: OrderRecord, events: readonly OrderEventRecord[]): boolean {
  let filled = dec(0);
  for (const e of events) {
    if (FINAL.has(e.type)) return false;
    if (e.type === 'OrderFilled') {
      const fill = e.data.fill as { quantity: string } | undefined;
      if (fill) filled = filled.plus(dec(fill.quantity));
    }
  }
  return filled.lt(dec(order.quantity));
}

/** The cancel event of an order still working, next in its history. */
export function staleCancel(
  order: OrderRecord,
  events: readonly OrderEventRecord[],
  ts: number,
  reason: string = STALE_ORDER_REASON,
): OrderEventRecord {
  const index = events.reduce((max, e) => Math.max(max, e.index), 0) + 1;
  const record = orderEventToRecord(order.orderId, index, { type: 'OrderCanceled', ts }, '');
  return { ...record, data: { reason } };
}

/** Records every working order as canceled at `ts`; answers the events written (none the second time). */
export async function cancelStaleOrders(ledger: Ledger, ts: number): Promise<OrderEventRecord[]> {
  const written: OrderEventRecord[] = [];
  for (const order of await ledger.orders()) {
    const events = await ledger.orderEvents(order.orderId);
    if (!isWorking(order, events)) continue;
    const cancel = staleCancel(order, events, ts);
    if (await ledger.recordOrderEvent(cancel)) written.push(cancel);
  }
  return written;
}
