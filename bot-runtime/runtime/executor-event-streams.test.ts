// The executor's orders and positions on their streams (docs/messaging.md):
// once the ledger has a step's records, each order and each of its events is
// published with its message id, and each position change, so a reader of the
// streams sees what the ledger holds.
import { describe, expect, it } from 'vitest';
import type { OrderMessage } from '../recovery/order-journal.ts';
import type { PositionSnapshot } from '../store/records.ts';
import { demoExecutor } from './demo-executor.ts';

describe('Executor event streams', () => {
  it('publishes every order and order event the ledger records, once, each order before its events', async () => {
    const demo = await demoExecutor();
    const { executor, bus, ledger } = demo;
    try {
      await executor.recover();
      while (executor.kernel.fillCount < 6) await demo.next();
      await executor.settle();
      const deliveries = await bus.fetchEvents<OrderMessage>(
        'orders',
        { name: 'audit', maxAckPending: 10_000 },
        10_000,
        0,
      );
      const published = deliveries.map((d) => d.id);
      const recorded: string[] = [];
      for (const order of await ledger.orders()) {
        recorded.push(`${order.orderId}#new`);
        for (const event of await ledger.orderEvents(order.orderId)) recorded.push(event.eventId);
      }
      expect(recorded.length).toBeGreaterThan(6);
      expect([...published].sort()).toEqual([...recorded].sort());
      expect(new Set(published).size).toBe(published.length);
      // Per order: the record first, then its events in their order.
      for (const order of await ledger.orders()) {
        const mine = published.filter((id) => id.startsWith(`${order.orderId}#`));
        expect(mine).toEqual(recorded.filter((id) => id.startsWith(`${order.orderId}#`)));
      }
      const filled = deliveries.find(
        (d) => d.payload.type === 'event' && d.payload.event.type === 'OrderFilled',
      );
      expect(filled?.payload).toMatchObject({ type: 'event', event: { orderId: expect.any(String) } });

      // Position changes: the last one published is the ledger's snapshot.
      const positions = await bus.fetchEvents<PositionSnapshot>(
        'positions',
        { name: 'audit', maxAckPending: 10_000 },
        10_000,
        0,
      );
      const [held] = await ledger.positions();
      expect(positions.length).toBeGreaterThan(0);
      expect(positions.at(-1)?.id).toBe(`ETH/BTC@${held!.fillSeq}`);
      expect(positions.at(-1)?.payload).toMatchObject({ symbol: 'ETH/BTC', quantity: held!.quantity });
    } finally {
      await demo.close();
    }
  });
});
