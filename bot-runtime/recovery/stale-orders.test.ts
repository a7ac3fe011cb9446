import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLedger } from '../store/file-ledger.ts';
import type { OrderEventRecord, OrderRecord } from '../store/records.ts';
import { cancelStaleOrders, STALE_ORDER_REASON } from './stale-orders.ts';

function order(orderId: string, quantity = '2'): OrderRecord {
  return {
    orderId,
    symbol: 'ETH/BTC',
    side: 'BUY',
    type: 'LIMIT',
    quantity,
    price: '0.07',
    timeInForce: 'GTC',
    ts: 1_000,
  };
}

function event(
  orderId: string,
  index: number,
  type: OrderEventRecord['type'],
  data: Record<string, unknown> = {},
): OrderEventRecord {
  return { eventId: `${orderId}#${index}`, orderId, index, type, ts: 1_000 + index, data };
}

const filled = (orderId: string, index: number, quantity: string) =>
  event(orderId, index, 'OrderFilled', { fill: { quantity } });

describe('cancelStaleOrders', () => {
  it('records the orders still working as canceled, with the reason, once', async () => {
    const ledger = await FileLedger.open(join(mkdtempSync(join(tmpdir(), 'botcore-stale-')), 'ledger.jsonl'));
    try {
      const history: [OrderRecord, OrderEventRecord[]][] = [
        [order('working'), [event('working', 1, 'OrderSubmitted'), event('working', 2, 'OrderAccepted')]],
        [order('partly'), [event('partly', 1, 'OrderSubmitted'), filled('partly', 2, '1')]],
        [order('unsent'), []],
        [
          order('filled'),
          [event('filled', 1, 'OrderSubmitted'), filled('filled', 2, '1'), filled('filled', 3, '1')],
        ],
        [order('canceled'), [event('canceled', 1, 'OrderSubmitted'), event('canceled', 2, 'OrderCanceled')]],
        [order('rejected'), [event('rejected', 1, 'OrderSubmitted'), event('rejected', 2, 'OrderRejected')]],
      ];
      for (const [o, events] of history) {
        await ledger.recordOrder(o);
        for (const e of events) await ledger.recordOrderEvent(e);
      }
      const written = await cancelStaleOrders(ledger, 5_000);
      expect(written.map((e) => [e.eventId, e.type, e.ts, e.data])).toEqual([
        ['working#3', 'OrderCanceled', 5_000, { reason: STALE_ORDER_REASON }],
        ['partly#3', 'OrderCanceled', 5_000, { reason: STALE_ORDER_REASON }],
        ['unsent#1', 'OrderCanceled', 5_000, { reason: STALE_ORDER_REASON }],
      ]);
      expect((await ledger.orderEvents('working')).at(-1)).toMatchObject({ type: 'OrderCanceled' });
      // A second restart finds nothing working.
      expect(await cancelStaleOrders(ledger, 6_000)).toEqual([]);
    } finally {
      await ledger.close();
    }
  });
});
