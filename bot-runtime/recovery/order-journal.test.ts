import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessBus } from '../bus/in-process-bus.ts';
import { applyOrderEvent, dec, initialOrder, Money, type Order } from '../domain/index.ts';
import { FileLedger } from '../store/file-ledger.ts';
import { OrderJournal, type OrderMessage } from './order-journal.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function ledgerPath(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'botcore-orders-'));
  return join(dir, 'ledger.jsonl');
}

function newOrder(id: string): Order {
  return initialOrder({
    id,
    symbol: 'ETHBTC',
    side: 'BUY',
    type: 'LIMIT',
    quantity: dec('2'),
    price: dec('0.05'),
    timeInForce: 'GTC',
    ts: 1,
  });
}

const fill = (tradeId: string, quantity: string) => ({
  orderId: 'o-1',
  tradeId,
  symbol: 'ETHBTC',
  side: 'BUY' as const,
  quantity: dec(quantity),
  price: dec('0.05'),
  fee: new Money('0.00001', 'BTC'),
  liquidity: 'MAKER' as const,
  ts: 5,
});

describe('OrderJournal', () => {
  it('records an order and each new event once, and replays it after a restart', async () => {
    const path = await ledgerPath();
    const bus = new InProcessBus();
    let ledger = await FileLedger.open(path);
    const journal = new OrderJournal(ledger, { quoteOf: () => 'BTC', bus });
    let order = newOrder('o-1');
    await journal.record(order);
    order = applyOrderEvent(order, { type: 'OrderSubmitted', ts: 2 });
    order = applyOrderEvent(order, { type: 'OrderAccepted', venueOrderId: 'v-1', ts: 3 });
    await journal.record(order);
    await journal.record(order);
    order = applyOrderEvent(order, { type: 'OrderFilled', fill: fill('t-1', '0.5'), ts: 5 });
    await journal.record(order);
    await ledger.close();

    ledger = await FileLedger.open(path);
    const { journal: again, orders } = await OrderJournal.load(ledger, { quoteOf: () => 'BTC' });
    const back = orders.get('o-1')!;
    expect(back.status).toBe('PARTIALLY_FILLED');
    expect(back.filledQuantity.toFixed()).toBe('0.5');
    expect(back.events).toHaveLength(3);
    expect(OrderJournal.openOrders(orders).map((o) => o.id)).toEqual(['o-1']);
    // The restarted journal continues after the recorded events.
    const done = applyOrderEvent(back, { type: 'OrderFilled', fill: fill('t-2', '1.5'), ts: 6 });
    await again.record(done);
    expect((await ledger.orderEvents('o-1')).map((e) => e.index)).toEqual([0, 1, 2, 3]);
    await ledger.close();

    const published = await bus.fetchEvents<OrderMessage>(
      'orders',
      { name: 'reader', maxAckPending: 10 },
      10,
      0,
    );
    expect(published.map((d) => d.id)).toEqual(['o-1#new', 'o-1#0', 'o-1#1', 'o-1#2']);
    expect(published[3]?.payload).toMatchObject({ type: 'event', event: { type: 'OrderFilled' } });
  });
});
