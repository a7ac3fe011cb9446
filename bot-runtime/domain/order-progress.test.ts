import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountedFill } from './counted-fill.ts';
import { dec } from './decimal.ts';
import type { Fill } from './fill.ts';
import { Instrument } from './instrument.ts';
import { Money } from './money.ts';
import { applyOrderEvent, createOrder, type Order, type OrderEvent } from './order.ts';
import { OrderProgress } from './order-progress.ts';
import { unitsOf } from './units.ts';

const inst = new Instrument({
  symbol: 'ETHBTC',
  base: 'ETH',
  quote: 'BTC',
  tickSize: '0.000001',
  lotSize: '0.001',
});

const fillEvent = fc
  .record({
    n: fc.constantFrom(1, 2, 3, 4),
    quantity: fc.constantFrom('0.001', '0.2', '0.5', '0.999', '1', '1.5', '0', '-0.1'),
    orderId: fc.constantFrom('o-1', 'o-1', 'o-1', 'o-2'),
    side: fc.constantFrom('BUY', 'BUY', 'BUY', 'SELL'),
    // A counted fill (the paper venue's, at the lot places given) or a Fill literal; ids of both kinds meet.
    counted: fc.constantFrom(undefined, 3, 8),
  })
  .map(({ n, quantity, orderId, side, counted }): OrderEvent => {
    const tradeId = `${orderId}-${n}`;
    if (counted !== undefined)
      return new CountedFill(
        'OrderFilled',
        orderId,
        n,
        'ETHBTC',
        side as Fill['side'],
        unitsOf(dec(quantity), counted),
        counted,
        100_000,
        6,
        0,
        0,
        'BTC',
        'TAKER',
        5,
      ) as OrderEvent;
    const fill: Fill = {
      orderId,
      tradeId,
      symbol: 'ETHBTC',
      side: side as Fill['side'],
      quantity: dec(quantity),
      price: dec('0.1'),
      fee: new Money('0', 'BTC'),
      liquidity: 'TAKER',
      ts: 5,
    };
    return { type: 'OrderFilled', fill, ts: 5 };
  });

const event: fc.Arbitrary<OrderEvent> = fc.oneof(
  fc.constant<OrderEvent>({ type: 'OrderSubmitted', ts: 1 }),
  fc.constant<OrderEvent>({ type: 'OrderAccepted', venueOrderId: 'v', ts: 2 }),
  fc.constant<OrderEvent>({ type: 'OrderCancelRequested', ts: 3 }),
  fc.constant<OrderEvent>({ type: 'OrderCancelRejected', reason: 'late', ts: 4 }),
  fc.constant<OrderEvent>({ type: 'OrderCanceled', ts: 6 }),
  fc.constant<OrderEvent>({ type: 'OrderExpired', ts: 7 }),
  fc.constant<OrderEvent>({ type: 'OrderRejected', reason: 'no', ts: 8 }),
  fc.constant<OrderEvent>({ type: 'OrderDenied', reason: 'risk', ts: 9 }),
  fillEvent,
  fillEvent,
  fillEvent,
);

/** The error an event raises, or undefined. */
function outcome(f: () => void): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

describe('OrderProgress', () => {
  it('takes the status, filled quantity and errors applyOrderEvent gives, event after event', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('1', '1.5', '0.5'),
        fc.boolean(),
        fc.array(event, { maxLength: 12 }),
        (qty, submitted, events) => {
          let order: Order = createOrder(inst, {
            id: 'o-1',
            side: 'BUY',
            type: 'MARKET',
            quantity: qty,
            ts: 0,
          });
          if (submitted) order = applyOrderEvent(order, { type: 'OrderSubmitted', ts: 0 });
          const progress = new OrderProgress(order);
          for (const e of events) {
            let next: Order | undefined;
            const want = outcome(() => {
              next = applyOrderEvent(order, e);
            });
            const got = outcome(() => progress.apply(e));
            expect(got).toBe(want);
            if (next) order = next;
            expect(progress.status).toBe(order.status);
            expect(progress.filledQuantity.toFixed()).toBe(order.filledQuantity.toFixed());
            expect(progress.statusBeforeCancel).toBe(order.statusBeforeCancel);
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('gives its quantity for as many lots as the counted fills measured it, and nothing for any other count', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('1', '1.5', '0.5'),
        fc.array(event, { maxLength: 12 }),
        fc.constantFrom(0, 1, 3, 8),
        fc.integer({ min: -1, max: 1 }),
        (qty, events, dp, off) => {
          const order = createOrder(inst, { id: 'o-1', side: 'BUY', type: 'MARKET', quantity: qty, ts: 0 });
          const progress = new OrderProgress(applyOrderEvent(order, { type: 'OrderSubmitted', ts: 0 }));
          // The lot places of the counted fills of this order that its status let in (an overfill or a repeat is measured, then refused).
          const measured = new Set<number>();
          for (const e of events) {
            const error = outcome(() => progress.apply(e));
            if (
              !error?.startsWith('InvalidStateTransition') &&
              e instanceof CountedFill &&
              e.orderId === 'o-1' &&
              e.side === 'BUY' &&
              e.lots > 0
            )
              measured.add(e.lotDp);
          }
          const lots = unitsOf(order.quantity, dp) + off;
          const got = progress.quantityOfLots(lots, dp);
          if (got !== undefined) {
            // Only the order's own Decimal, and only for its true count.
            expect(got).toBe(progress.quantity);
            expect(off).toBe(0);
          }
          // Counted fills at dp alone measured it: the true count gives the quantity.
          if (measured.size === 1 && measured.has(dp) && off === 0) expect(got).toBe(progress.quantity);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
