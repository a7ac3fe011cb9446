import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from './decimal.ts';
import { DomainError, DuplicateFill, InvalidStateTransition } from './errors.ts';
import type { Fill } from './fill.ts';
import { Instrument } from './instrument.ts';
import { Money } from './money.ts';
import {
  applyOrderEvent,
  createOrder,
  leavesQuantity,
  type Order,
  type OrderEvent,
  replayOrder,
} from './order.ts';
import { isTerminal, ORDER_TRANSITIONS, type OrderEventType, OrderStatus } from './order-transitions.ts';

const inst = new Instrument({
  symbol: 'ETHBTC',
  base: 'ETH',
  quote: 'BTC',
  tickSize: '0.000001',
  lotSize: '0.001',
});

function limitBuy(qty = '1'): Order {
  return createOrder(inst, { id: 'o-1', side: 'BUY', type: 'LIMIT', quantity: qty, price: '0.1', ts: 1 });
}

function fill(tradeId: string, qty: string, price = '0.1', orderId = 'o-1'): OrderEvent {
  const f: Fill = {
    orderId,
    tradeId,
    symbol: 'ETHBTC',
    side: 'BUY',
    quantity: dec(qty),
    price: dec(price),
    fee: new Money('0', 'BTC'),
    liquidity: 'MAKER',
    ts: 5,
  };
  return { type: 'OrderFilled', fill: f, ts: 5 };
}

const submitted: OrderEvent = { type: 'OrderSubmitted', ts: 2 };
const accepted: OrderEvent = { type: 'OrderAccepted', venueOrderId: 'v-9', ts: 3 };

describe('order lifecycle', () => {
  it('goes INITIALIZED -> SUBMITTED -> ACCEPTED -> PARTIALLY_FILLED -> FILLED with a VWAP average price', () => {
    let o = limitBuy('1');
    expect(o.status).toBe('INITIALIZED');
    o = applyOrderEvent(o, submitted);
    o = applyOrderEvent(o, accepted);
    expect(o.venueOrderId).toBe('v-9');
    o = applyOrderEvent(o, fill('t1', '0.4', '0.1'));
    expect(o.status).toBe('PARTIALLY_FILLED');
    expect(leavesQuantity(o).toFixed()).toBe('0.6');
    o = applyOrderEvent(o, fill('t2', '0.6', '0.099'));
    expect(o.status).toBe('FILLED');
    expect(o.averagePrice!.toFixed()).toBe('0.0994');
    expect(o.events).toHaveLength(4);
  });

  it('keeps PENDING_CANCEL through a racing partial fill, and goes back when the cancel is rejected', () => {
    let o = replayOrder(limitBuy(), [submitted, accepted, { type: 'OrderCancelRequested', ts: 4 }]);
    expect(o.status).toBe('PENDING_CANCEL');
    o = applyOrderEvent(o, fill('t1', '0.5'));
    expect(o.status).toBe('PENDING_CANCEL');
    o = applyOrderEvent(o, { type: 'OrderCancelRejected', reason: 'too late', ts: 6 });
    expect(o.status).toBe('PARTIALLY_FILLED');
    expect(o.lastReason).toBe('too late');
  });

  it('can cancel before the venue accepted, and returns to SUBMITTED or ACCEPTED when the cancel is rejected', () => {
    const requested = replayOrder(limitBuy(), [submitted, { type: 'OrderCancelRequested', ts: 3 }]);
    expect(requested.status).toBe('PENDING_CANCEL');
    const rejected = applyOrderEvent(requested, {
      type: 'OrderCancelRejected',
      reason: 'unknown order',
      ts: 4,
    });
    expect(rejected.status).toBe('SUBMITTED');
    const acceptedLate = applyOrderEvent(requested, accepted);
    expect(acceptedLate.status).toBe('PENDING_CANCEL');
    expect(acceptedLate.venueOrderId).toBe('v-9');
    expect(applyOrderEvent(acceptedLate, { type: 'OrderCancelRejected', reason: 'r', ts: 5 }).status).toBe(
      'ACCEPTED',
    );
    expect(applyOrderEvent(acceptedLate, { type: 'OrderCanceled', ts: 5 }).status).toBe('CANCELED');
  });

  it('records denial and rejection reasons', () => {
    expect(applyOrderEvent(limitBuy(), { type: 'OrderDenied', reason: 'MAX_ORDER_RATE', ts: 2 }).status).toBe(
      'DENIED',
    );
    const r = replayOrder(limitBuy(), [
      submitted,
      { type: 'OrderRejected', reason: 'insufficient balance', ts: 3 },
    ]);
    expect(r.status).toBe('REJECTED');
    expect(r.lastReason).toBe('insufficient balance');
  });

  it('throws InvalidStateTransition for events the table does not allow', () => {
    const o = limitBuy();
    const e = (() => {
      try {
        applyOrderEvent(o, accepted);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(InvalidStateTransition);
    expect((e as InvalidStateTransition).code).toBe('INVALID_STATE_TRANSITION');
    expect((e as Error).message).toBe(
      'INVALID_STATE_TRANSITION: order o-1 cannot apply OrderAccepted in status INITIALIZED (order_id=o-1, status=INITIALIZED, event=OrderAccepted)',
    );
    const filled = replayOrder(limitBuy('1'), [submitted, accepted, fill('t1', '1')]);
    expect(() => applyOrderEvent(filled, { type: 'OrderCanceled', ts: 9 })).toThrow(InvalidStateTransition);
  });

  it('throws DuplicateFill for a repeated trade id and OVERFILL past the quantity', () => {
    const o = replayOrder(limitBuy('1'), [submitted, accepted, fill('t1', '0.5')]);
    expect(() => applyOrderEvent(o, fill('t1', '0.1'))).toThrow(DuplicateFill);
    expect(() => applyOrderEvent(o, fill('t2', '0.6'))).toThrow(/OVERFILL/);
    expect(() => applyOrderEvent(o, fill('t3', '0.1', '0.1', 'other'))).toThrow(/ORDER_MISMATCH/);
    expect(() => applyOrderEvent(o, fill('t4', '0'))).toThrow(/INVALID_QUANTITY/);
  });

  it('is made through the instrument: price and size on the grid, minimums enforced', () => {
    const o = createOrder(inst, {
      id: 'x',
      side: 'SELL',
      type: 'LIMIT',
      quantity: '1.23456',
      price: '0.0994761',
      ts: 0,
    });
    expect(o.price!.toFixed()).toBe('0.099477');
    expect(o.quantity.toFixed()).toBe('1.234');
    expect(() => createOrder(inst, { id: 'x', side: 'BUY', type: 'LIMIT', quantity: '1', ts: 0 })).toThrow(
      /INVALID_ORDER/,
    );
    expect(() =>
      createOrder(inst, { id: 'x', side: 'BUY', type: 'MARKET', quantity: '1', price: '1', ts: 0 }),
    ).toThrow(/INVALID_ORDER/);
    expect(() =>
      createOrder(inst, { id: 'x', side: 'BUY', type: 'MARKET', quantity: '0.0001', ts: 0 }),
    ).toThrow(/QUANTITY_BELOW_MINIMUM/);
  });
});

describe('order state machine properties', () => {
  const eventArb: fc.Arbitrary<OrderEvent> = fc.oneof(
    fc.constant<OrderEvent>({ type: 'OrderDenied', reason: 'r', ts: 1 }),
    fc.constant<OrderEvent>(submitted),
    fc.constant<OrderEvent>({ type: 'OrderRejected', reason: 'r', ts: 1 }),
    fc.constant<OrderEvent>(accepted),
    fc.constant<OrderEvent>({ type: 'OrderCancelRequested', ts: 1 }),
    fc.constant<OrderEvent>({ type: 'OrderCancelRejected', reason: 'r', ts: 1 }),
    fc.constant<OrderEvent>({ type: 'OrderCanceled', ts: 1 }),
    fc.constant<OrderEvent>({ type: 'OrderExpired', ts: 1 }),
    fc
      .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 600 }))
      .map(([id, milli]) => fill(`t${id}`, (milli / 1000).toFixed(3))),
  );

  it('every event is accepted exactly when the table allows it, and the invariants hold', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 25 }), (events) => {
        let o = limitBuy('1');
        const applied: OrderEvent[] = [];
        let filledSum = dec(0);
        for (const ev of events) {
          const allowed = ORDER_TRANSITIONS[o.status][ev.type as OrderEventType] !== undefined;
          const before = o;
          try {
            o = applyOrderEvent(o, ev);
            applied.push(ev);
            expect(allowed).toBe(true);
            if (ev.type === 'OrderFilled') filledSum = filledSum.plus(ev.fill.quantity);
          } catch (e) {
            expect(e).toBeInstanceOf(DomainError);
            const code = (e as DomainError).code;
            if (!allowed) expect(code).toBe('INVALID_STATE_TRANSITION');
            else expect(['DUPLICATE_FILL', 'OVERFILL']).toContain(code);
            expect(o).toBe(before);
            if (isTerminal(before.status)) expect(code).toBe('INVALID_STATE_TRANSITION');
          }
          expect(o.filledQuantity.lte(o.quantity)).toBe(true);
          expect(o.filledQuantity.eq(filledSum)).toBe(true);
          expect(o.status === OrderStatus.FILLED).toBe(o.filledQuantity.eq(o.quantity));
          expect(o.tradeIds.size).toBe(applied.filter((e) => e.type === 'OrderFilled').length);
        }
        // An order is the fold of its events.
        expect(replayOrder(limitBuy('1'), applied)).toEqual(o);
        expect(o.events).toEqual(applied);
      }),
    );
  });

  it('the table only names known statuses, and terminal statuses allow nothing', () => {
    const statuses = Object.values(OrderStatus) as string[];
    for (const [from, row] of Object.entries(ORDER_TRANSITIONS)) {
      expect(statuses).toContain(from);
      for (const to of Object.values(row)) expect([...statuses, 'DEPENDS']).toContain(to);
    }
    for (const s of ['DENIED', 'REJECTED', 'FILLED', 'CANCELED', 'EXPIRED'] as const)
      expect(isTerminal(s)).toBe(true);
  });
});
