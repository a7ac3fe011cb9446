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

/** Prices on, next to and half-way between ticks, and floats with noise in their last digits. */
const prices = fc.oneof(
  fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
  fc
    .tuple(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 0, max: 10 }))
    .map(([n, dp]) => n / 10 ** dp),
  fc
    .tuple(
      fc.integer({ min: 1, max: 2 ** 31 }),
      fc.integer({ min: 0, max: 10 }),
      fc.constantFrom(0.5, 1e-7, -1e-7),
    )
    .map(([n, dp, d]) => (n + d) / 10 ** dp),
  fc
    .tuple(
      fc.integer({ min: 1, max: 2 ** 31 }),
      fc.integer({ min: 0, max: 10 }),
      fc.integer({ min: -3, max: 3 }),
    )
    .map(([n, dp, ulps]) => {
      let x = n / 10 ** dp;
      for (let i = 0; i < Math.abs(ulps); i++) x = nextDouble(x, ulps > 0);
      return x;
    }),
);

/** The next double away from zero (ulps > 0) or toward it, for positive x. */
function nextDouble(x: number, up: boolean): number {
  const b = new Float64Array([x]);
  const i = new BigInt64Array(b.buffer);
  i[0] = i[0]! + (up ? 1n : -1n);
  return b[0]!;
}

describe('Grid', () => {
  it('takes the tick count from the float alone only when it is the decimal path result (priceFromNumber)', () => {
    const grids = [
      ...instruments,
      new Instrument({ symbol: 'AA/BB', base: 'AA', quote: 'BB', tickSize: '0.01', lotSize: '1' }),
      new Instrument({ symbol: 'CC/DD', base: 'CC', quote: 'DD', tickSize: '1', lotSize: '1' }),
      new Instrument({ symbol: 'EE/FF', base: 'EE', quote: 'FF', tickSize: '0.000001', lotSize: '1' }),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...grids),
        prices,
        fc.constantFrom('nearest', 'down', 'up') as fc.Arbitrary<'nearest' | 'down' | 'up'>,
        (inst, x, mode) => {
          const g = new Grid(inst);
          same(
            () => inst.priceFromNumber(x, mode),
            () => g.priceFromNumber(x, mode),
          );
          const ticks = g.ticksFromNumber(x, mode);
          if (!Number.isNaN(ticks))
            expect(inst.priceFromNumber(x, mode).eq(inst.tickSize.times(ticks))).toBe(true);
        },
      ),
      { numRuns: 8_000 },
    );
    const g = new Grid(instruments[0]!);
    expect(g.ticksFromNumber(0.07123456, 'down')).toBe(7_123_456);
    expect(g.ticksFromNumber(0.0712345649, 'nearest')).toBe(7_123_456);
    expect(g.ticksFromNumber(0.0712345649, 'up')).toBe(7_123_457);
    // A tie: the decimal path decides.
    expect(g.ticksFromNumber(0.071234565, 'nearest')).toBeNaN();
    // A float a hair off the grid (its text is 0.07123456000000002, or ...5999999...): the side it lies on decides.
    expect(g.ticksFromNumber(0.07123456000000002, 'down')).toBe(7_123_456);
    expect(g.ticksFromNumber(0.07123456000000002, 'up')).toBe(7_123_457);
    expect(g.ticksFromNumber(0.07123456000000002, 'nearest')).toBe(7_123_456);
    const under = nextDouble(0.07123456, false);
    expect(g.ticksFromNumber(under, 'down')).toBe(7_123_455);
    expect(g.ticksFromNumber(under, 'up')).toBe(7_123_456);
    expect(g.ticksFromNumber(under, 'nearest')).toBe(7_123_456);
  }, 30_000);

  it('decides a float a few ulps off a tick from the float alone, as the decimal path does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 2 ** 31 - 2 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.constantFrom('nearest', 'down', 'up') as fc.Arbitrary<'nearest' | 'down' | 'up'>,
        (n, dp, ulps, up, mode) => {
          const tick = new Decimal(10).pow(-dp);
          const inst = new Instrument({
            symbol: 'AA/BB',
            base: 'AA',
            quote: 'BB',
            tickSize: tick.toFixed(),
            lotSize: '1',
          });
          let x = n / 10 ** dp;
          for (let i = 0; i < ulps; i++) x = nextDouble(x, up);
          const ticks = new Grid(inst).ticksFromNumber(x, mode);
          expect(ticks).not.toBeNaN();
          expect(inst.priceFromNumber(x, mode).toFixed()).toBe(tick.times(ticks).toFixed());
        },
      ),
      { numRuns: 4_000 },
    );
  });

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
  }, 30_000); // 20,000 runs: seconds on a loaded machine

  it('keeps the domain errors', () => {
    const g = new Grid(instruments[0]!);
    expect(() => g.price(new Decimal(0))).toThrow(/INVALID_PRICE/);
    expect(() => g.price(new Decimal('0.000000001'), 'down')).toThrow(/rounds to zero/);
    expect(() => g.quantity(new Decimal(-1))).toThrow(/INVALID_QUANTITY/);
  }, 30_000);
});
