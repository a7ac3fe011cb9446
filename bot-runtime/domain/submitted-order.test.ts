import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Instrument } from './instrument.ts';
import { applyOrderEvent, createOrder, createSubmittedOrder, type Order } from './order.ts';

const instruments = [
  new Instrument({
    symbol: 'ETH/BTC',
    base: 'ETH',
    quote: 'BTC',
    tickSize: '0.00001',
    lotSize: '0.001',
    minQuantity: '0.002',
    minNotional: '0.0001',
  }),
  new Instrument({ symbol: 'ADA/USDT', base: 'ADA', quote: 'USDT', tickSize: '0.0005', lotSize: '5' }),
];

/** The order `make` gives, or its error's name, code and message. */
function outcome(make: () => Order): unknown {
  try {
    return make();
  } catch (e) {
    const err = e as Error & { code?: string };
    return { error: err.name, code: err.code, message: err.message };
  }
}

describe('createSubmittedOrder', () => {
  it('is createOrder followed by OrderSubmitted: the same order, keys in the same order, or the same error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...instruments),
        fc.constantFrom('', 'O-1', 'O-77'),
        fc.constantFrom('BUY', 'SELL') as fc.Arbitrary<'BUY' | 'SELL'>,
        fc.constantFrom('MARKET', 'LIMIT') as fc.Arbitrary<'MARKET' | 'LIMIT'>,
        fc.oneof(
          fc.constantFrom('0', '-1', '0.001', '0.002', '7.5'),
          fc.integer({ min: 1, max: 10_000_000 }).map((n) => `${n}e-4`),
        ),
        fc.option(
          fc.oneof(
            fc.constantFrom('0', '0.1', '0.07123456'),
            fc.integer({ min: 1, max: 10_000_000 }).map((n) => `${n}e-6`),
          ),
          { nil: undefined },
        ),
        fc.option(fc.constantFrom('GTC', 'IOC') as fc.Arbitrary<'GTC' | 'IOC'>, { nil: undefined }),
        fc.integer({ min: 0, max: 2_000_000_000_000 }),
        (inst, id, side, type, quantity, price, timeInForce, ts) => {
          const params = { id, side, type, quantity, price, ts, ...(timeInForce ? { timeInForce } : {}) };
          const want = outcome(() =>
            applyOrderEvent(createOrder(inst, params), { type: 'OrderSubmitted', ts }),
          );
          const got = outcome(() => createSubmittedOrder(inst, params));
          expect(got).toStrictEqual(want);
          // The keys in the same order, so JSON (and whatever records the order) sees the same text.
          if (!('error' in (want as object))) {
            expect(Object.keys(got as object)).toEqual(Object.keys(want as object));
            expect(JSON.stringify(got)).toBe(JSON.stringify(want));
          }
        },
      ),
      { numRuns: 3_000 },
    );
  }, 30_000);
});
