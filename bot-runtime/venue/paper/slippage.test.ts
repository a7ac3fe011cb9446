// The order path's integer prices and fees are the decimal path's, digit for digit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, Instrument } from '../../domain/index.ts';
import { Grid } from '../grid.ts';
import { feeRate, fillFee } from './fee.ts';
import { lessQuantity } from './paper-venue.ts';
import { bpsFactor, bpsUnits, slippedPrice, slippedTicks } from './slippage.ts';

const grids = [
  new Grid(
    new Instrument({
      symbol: 'ETH/BTC',
      base: 'ETH',
      quote: 'BTC',
      tickSize: '0.00000001',
      lotSize: '0.00000001',
    }),
  ),
  new Grid(
    new Instrument({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001' }),
  ),
  new Grid(new Instrument({ symbol: 'XX/YY', base: 'XX', quote: 'YY', tickSize: '1', lotSize: '1' })),
];

describe('slippage in tick counts', () => {
  it('bpsUnits is the integer bpsFactor holds', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: 0, max: 1e6, noNaN: true }),
          fc.double({ min: 0, max: 50, noNaN: true }),
          fc.integer({ min: 0, max: 100_000_000 }).map((n) => (n + 0.5) / 1e6),
        ),
        (bps) => {
          expect(bpsUnits(bps)).toBe(Number(bps.toFixed(6).replace('.', '')));
          expect(new Decimal(bpsUnits(bps)).times('1e-10').eq(bpsFactor(bps))).toBe(true);
        },
      ),
      { numRuns: 8_000 },
    );
  }, 30_000);

  it('slippedTicks is slippedPrice whenever it answers', () => {
    let answered = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...grids),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.oneof(fc.double({ min: 0, max: 2000, noNaN: true }), fc.integer({ min: 0, max: 1000 })),
        fc.boolean(),
        fc.double({ min: 0.9, max: 1.1, noNaN: true }),
        fc.double({ min: 0.9, max: 1.1, noNaN: true }),
        (grid, ticks, bps, buy, h, l) => {
          const base = grid.priceOfTicks(ticks);
          const b = Number(base.toString());
          const high = b * Math.max(h, 1);
          const low = b * Math.min(l, 1);
          const t = slippedTicks(grid, buy, base, bpsUnits(bps), high, low);
          let want: string;
          try {
            want = slippedPrice(grid, buy, base, bps, high, low).toFixed();
          } catch {
            expect(t).toBeNaN();
            return;
          }
          if (Number.isNaN(t)) return;
          answered++;
          expect(grid.priceOfTicks(t).toFixed()).toBe(want);
        },
      ),
      { numRuns: 10_000 },
    );
    // The integer path is the usual one, not a fallback that always says no.
    expect(answered).toBeGreaterThan(3_000);
  }, 30_000);

  it('fillFee is price x quantity x rate', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...grids),
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.constantFrom('0.001', '0.00075', '0', '0.0002', '0.1'),
        (grid, ticks, lots, rate) => {
          const price = grid.priceOfTicks(ticks);
          const qty = new Decimal(lots).times(grid.instrument.lotSize);
          const r = new Decimal(rate);
          const fee = fillFee(grid, price, qty, feeRate(r));
          const want = price.times(qty).times(r);
          expect(fee.toFixed()).toBe(want.toFixed());
          expect(fee.eq(want)).toBe(true);
        },
      ),
      { numRuns: 8_000 },
    );
  }, 30_000);

  it('lessQuantity is a.minus(b), on and off the lot grid', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...grids),
        fc.integer({ min: 0, max: 2 ** 53 - 1 }),
        fc.integer({ min: 0, max: 2 ** 53 - 1 }),
        fc.boolean(),
        (grid, a, b, off) => {
          const x = grid.instrument.lotSize.times(a);
          const y = off ? new Decimal(b).times('1e-12') : grid.instrument.lotSize.times(b);
          expect(lessQuantity(grid, x, y).toFixed()).toBe(x.minus(y).toFixed());
        },
      ),
      { numRuns: 5_000 },
    );
  }, 30_000);
});
