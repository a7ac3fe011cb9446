// The order log's records against the records the kernel made at each submit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, OrderStatus } from '../domain/index.ts';
import { OrderLog, type OrderRecord } from './order-log.ts';

const symbols = ['ETH/BTC', 'BTC/USDT'];
const lists = [['rsi'], ['rsi', 'macd']];
const statuses = Object.values(OrderStatus);

const orderArb = fc.record({
  k: fc.integer({ min: 0, max: symbols.length - 1 }),
  buy: fc.boolean(),
  lots: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 2 ** 53 - 1 })),
  // The quantity's places beyond the lot's (0: on the lot grid).
  extraPlaces: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 })),
  lotDp: fc.option(fc.integer({ min: 0, max: 22 }), { freq: 6 }),
  limitTicks: fc.option(fc.integer({ min: 1, max: 10 ** 9 }), { freq: 3 }),
  ts: fc.integer({ min: 0, max: 2 ** 42 }),
  // Status changes of earlier orders (by a row counted back from this one), and a read.
  changes: fc.array(fc.record({ back: fc.nat(6), status: fc.constantFrom(...statuses) }), { maxLength: 3 }),
  read: fc.boolean(),
});

describe('OrderLog', () => {
  it('reads back the records made at submit, keys in order, with every later status', () => {
    fc.assert(
      fc.property(fc.array(orderArb, { minLength: 1, maxLength: 14 }), (orders) => {
        const log = new OrderLog(symbols);
        const want: OrderRecord[] = [];
        let read = log.orders();
        orders.forEach((o, n) => {
          const dp = o.lotDp ?? 8;
          const quantity = dec(o.lots).div(dec(10).pow(dp + o.extraPlaces));
          const price = o.limitTicks === null ? undefined : dec(o.limitTicks).div(1e8);
          const id = `O-${n + 1}`;
          const side = o.buy ? 'BUY' : 'SELL';
          const type = price ? 'LIMIT' : 'MARKET';
          const strategies = lists[o.k]!;
          const row = log.add(
            id,
            o.k,
            side,
            type,
            quantity,
            price,
            o.ts,
            strategies,
            'SUBMITTED',
            o.lotDp ?? undefined,
          );
          expect(row).toBe(n);
          // The literal the kernel made at submit.
          want.push({
            id,
            symbol: symbols[o.k]!,
            side,
            type,
            quantity: quantity.toFixed(),
            price: price?.toFixed(),
            ts: o.ts,
            strategies,
            status: 'SUBMITTED',
          });
          for (const c of o.changes) {
            const i = Math.max(0, n - c.back);
            log.setStatus(i, c.status);
            want[i]!.status = c.status;
          }
          if (o.read) read = log.orders();
        });
        expect(log.length).toBe(orders.length);
        // The same list, extended in place.
        expect(log.orders()).toBe(read);
        expect(JSON.stringify(read)).toBe(JSON.stringify(want));
        expect(read).toStrictEqual(want);
        for (let i = 0; i < read.length; i++) expect(read[i]!.strategies).toBe(want[i]!.strategies);
      }),
      { numRuns: 2_000 },
    );
  }, 60_000);

  it('refuses a status that is not an order status', () => {
    const log = new OrderLog(symbols);
    log.add('O-1', 0, 'BUY', 'MARKET', dec('1.5'), undefined, 1, lists[0]!, 'SUBMITTED', 8);
    expect(() => log.setStatus(0, 'LOST')).toThrow(RangeError);
  });
});
