import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, Instrument } from '../domain/index.ts';
import { Grid } from './grid.ts';

const instruments = [
  new Instrument({ symbol: 'ETH/BTC', base: 'ETH', quote: 'BTC', tickSize: '0.00000001', lotSize: '0.001' }),
  new Instrument({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '1' }),
  new Instrument({ symbol: 'XX/YY', base: 'XX', quote: 'YY', tickSize: '0.05', lotSize: '0.25' }),
];

/** Both give the same decimal, or both throw the same error. */
function same(want: () => Decimal, got: () => Decimal): void {
  let expected: string;
  try {
    expected = want().toFixed();
  } catch (e) {
    expect(got).toThrow((e as Error).message);
    return;
  }
  expect(got().toFixed()).toBe(expected);
}

describe('Grid', () => {
  it('rounds exactly as the instrument does, for every mode', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...instruments),
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.constantFrom('nearest', 'down', 'up') as fc.Arbitrary<'nearest' | 'down' | 'up'>,
        (inst, x, mode) => {
          const g = new Grid(inst);
          const v = new Decimal(String(x));
          same(
            () => inst.price(v, mode),
            () => g.price(v, mode),
          );
          same(
            () => inst.priceFromNumber(x, mode),
            () => g.priceFromNumber(x, mode),
          );
          same(
            () => inst.quantity(v),
            () => g.quantity(v),
          );
          same(
            () => inst.limitPrice('BUY', v),
            () => g.limitPrice('BUY', v),
          );
          same(
            () => inst.limitPrice('SELL', v),
            () => g.limitPrice('SELL', v),
          );
        },
      ),
      { numRuns: 20000 },
    );
  });

  it('keeps the domain errors', () => {
    const g = new Grid(instruments[0]!);
    expect(() => g.price(new Decimal(0))).toThrow(/INVALID_PRICE/);
    expect(() => g.price(new Decimal('0.000000001'), 'down')).toThrow(/rounds to zero/);
    expect(() => g.quantity(new Decimal(-1))).toThrow(/INVALID_QUANTITY/);
  });
});
