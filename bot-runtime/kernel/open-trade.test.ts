// Stops and trade records from counts against the decimal formulas they replace.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactAmount } from '../domain/exact-amount.ts';
import { type Decimal, dec, toFloat, ZERO } from '../domain/index.ts';
import { closeTrade, OpenTrade, pnlSign } from './open-trade.ts';
import { addFills, fillSpecArb, grids } from './open-trade-arbitraries.ts';
import { stopFactor, stopPrice, stopTicks } from './stop-price.ts';

/** The displayDiv the kernel used: a / b of the decimals' doubles, to 12 digits. */
function displayDiv(a: Decimal, b: Decimal): string {
  const text = (toFloat(a) / toFloat(b)).toPrecision(12);
  if (text.includes('e')) return dec(text).toFixed();
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

describe('counts in the kernel', () => {
  it('stopPrice is the average times the factor, rounded down to the tick', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...grids),
        fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 1, max: 100 })),
        fc.option(fc.integer({ min: 1, max: 1000 }), { freq: 4 }),
        fc.constantFrom('2', '0.5', '25', '1.234', '99.99'),
        (grid, ticks, offGrid, pct) => {
          // An average on the grid, or between ticks (an added-to position's mean).
          const average = grid.instrument.tickSize
            .times(ticks)
            .plus(offGrid === null ? 0 : dec(offGrid).div(7919));
          const f = dec(1).minus(dec(pct).div(100));
          let want: string;
          try {
            want = grid.price(average.times(f), 'down').toFixed();
          } catch (e) {
            expect(() => stopPrice(grid, average, stopFactor(f))).toThrow((e as Error).message);
            return;
          }
          expect(stopPrice(grid, average, stopFactor(f)).toFixed()).toBe(want);
          // The kernel's count of it, from the average's ticks, when the counts decide.
          const counted = stopTicks(grid.ticksOf(average), stopFactor(f));
          if (!Number.isNaN(counted)) expect(grid.priceOfTicks(counted).toFixed()).toBe(want);
        },
      ),
      { numRuns: 8_000 },
    );
  }, 30_000);

  it('an open trade sums and closes as the decimal fold did', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...grids),
        fc.array(fillSpecArb, { minLength: 2, maxLength: 12 }),
        (grid, fills) => {
          const trade = new OpenTrade(['s'], 1);
          let [bought, cost, sold, proceeds, fees] = [ZERO, ZERO, ZERO, ZERO, ZERO];
          for (const { buy, qty, px, fee } of addFills(trade, grid, fills)) {
            fees = fees.plus(fee);
            if (buy) {
              bought = bought.plus(qty);
              cost = cost.plus(px.times(qty));
            } else {
              sold = sold.plus(qty);
              proceeds = proceeds.plus(px.times(qty));
            }
          }
          const pnl = proceeds.minus(cost).minus(fees);
          const basis = cost.plus(fees);
          const { record, pnl: got } = trade.close('X', 2);
          expect(record).toMatchObject({
            quantity: bought.toFixed(),
            entryPrice: displayDiv(cost, bought),
            exitPrice: displayDiv(proceeds, sold),
            pnl: pnl.toFixed(),
            return: basis.isZero() ? 0 : toFloat(pnl) / toFloat(basis),
            fees: fees.toFixed(),
          });
          expect(got).toBe(pnl.isZero() ? 0 : pnl.isNegative() ? -1 : 1);
        },
      ),
      { numRuns: 3_000 },
    );
  }, 30_000);

  it('safe counts whose PnL is not a safe count close as the decimals do, signs near zero included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 22 }),
        fc.integer({ min: 0, max: 22 }),
        fc.integer({ min: 0, max: 22 }),
        fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.maxSafeInteger()),
        fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.maxSafeInteger()),
        fc.oneof(fc.constantFrom(-2, -1, 0, 1, 2), fc.integer({ min: -1e6, max: 1e6 }), fc.maxSafeInteger()),
        (sa, sb, sf, b, f, offset) => {
          // Proceeds near cost + fees at their scale (the PnL's sign is decided by the last units), or anywhere.
          const scale = Math.max(sa, sb, sf);
          const basisUnits = BigInt(b) * 10n ** BigInt(scale - sb) + BigInt(f) * 10n ** BigInt(scale - sf);
          const near = basisUnits / 10n ** BigInt(scale - sa) + BigInt(offset);
          const a = Math.abs(offset) > 1e6 ? offset : Number(near);
          fc.pre(Number.isSafeInteger(a) && a >= 0);
          const sums = {
            bought: ExactAmount.ofSmallCount(7, 0),
            cost: ExactAmount.ofSmallCount(b, sb),
            sold: ExactAmount.ofSmallCount(7, 0),
            proceeds: ExactAmount.ofSmallCount(a, sa),
            fees: ExactAmount.ofSmallCount(f, sf),
          };
          const cost = dec(`${b}e-${sb}`);
          const fees = dec(`${f}e-${sf}`);
          const pnl = dec(`${a}e-${sa}`).minus(cost).minus(fees);
          const basis = cost.plus(fees);
          const sign = pnl.isZero() ? 0 : pnl.isNegative() ? -1 : 1;
          const closed = closeTrade(sums, 'X', ['s'], 1, 2, 'signal');
          expect(closed.record.pnl).toBe(pnl.toFixed());
          expect(closed.record.return).toBe(basis.isZero() ? 0 : toFloat(pnl) / toFloat(basis));
          expect(closed.pnl).toBe(sign);
          expect(pnlSign(sums)).toBe(sign);
        },
      ),
      { numRuns: 20_000 },
    );
  }, 30_000);
  it('a restarted trade is a new one: the same sums, forms and record after the same fills', () => {
    const sums = (t: OpenTrade) =>
      [t.bought, t.cost, t.sold, t.proceeds, t.fees].map((x) => [
        x.toFixed(),
        x.smallCount,
        x.smallScale,
        x.units,
        x.toFloat(),
        x.decimal.toFixed(),
        x.isZero(),
      ]);
    fc.assert(
      fc.property(
        fc.constantFrom(...grids),
        fc.array(fillSpecArb, { minLength: 2, maxLength: 8 }),
        fc.array(fillSpecArb, { minLength: 2, maxLength: 8 }),
        fc.boolean(),
        (grid, before, after, stopped) => {
          const reused = new OpenTrade(['a'], 1);
          addFills(reused, grid, before);
          if (stopped) reused.exitReason = 'stopLoss';
          const fresh = new OpenTrade(['b'], 7);
          expect(reused.restart(['b'], 7)).toBe(reused);
          expect(sums(reused)).toEqual(sums(fresh));
          const replay = structuredClone(after);
          addFills(reused, grid, after);
          addFills(fresh, grid, replay);
          expect([reused.strategies, reused.entryTime, reused.exitReason]).toEqual([['b'], 7, 'signal']);
          expect(sums(reused)).toEqual(sums(fresh));
          expect(reused.close('X', 9)).toEqual(fresh.close('X', 9));
          expect(pnlSign(reused)).toBe(pnlSign(fresh));
        },
      ),
      { numRuns: 3_000 },
    );
  }, 30_000);
});
