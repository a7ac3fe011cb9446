// A counted fill (the paper venue's CountedFill) booked from its counts against
// the same fill booked as its Fill literal, the path it replaces: the portfolio,
// the open trade and the fill log must end in the same state, and the literal
// must be the one the venue made before (fillFee's fee at the venue's price).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountedFill } from '../domain/counted-fill.ts';
import type { ExactAmount } from '../domain/exact-amount.ts';
import { dec, type Fill, Money, Portfolio } from '../domain/index.ts';
import { safeTimes } from '../domain/units.ts';
import type { Grid } from '../venue/grid.ts';
import { feeRate, fillFee } from '../venue/paper/fee.ts';
import { FillLog } from './fill-log.ts';
import { OpenTrade } from './open-trade.ts';
import { grids } from './open-trade-arbitraries.ts';

// The power-of-ten grids: the venue makes counted fills only on those.
const countedGrids = grids.filter((g) => g.tickPlaces !== undefined && g.lotPlaces !== undefined);

const fillArb = fc.record({
  buy: fc.boolean(),
  // Small counts, and counts whose products leave the safe integers (BigInt and decimal sums).
  lots: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 2 ** 40 })),
  ticks: fc.oneof(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 2 ** 40 })),
  // Fee rates as the venue takes them (percent / 100), zero and a rebate included.
  rate: fc.constantFrom('0', '0.001', '0.00075', '0.0002', '0.0025', '-0.0001', '0.1'),
  maker: fc.boolean(),
  n: fc.integer({ min: 1, max: 5 }),
});

type FillArb = typeof fillArb extends fc.Arbitrary<infer T> ? T : never;

/** The venue's event for `f`: counted when fillFee's count is a safe integer at most 22 places (as #filled decides), else undefined. */
function countedFill(
  grid: Grid,
  f: FillArb,
  ts: number,
): { counted: CountedFill | undefined; literal: Fill } {
  const inst = grid.instrument;
  const rate = feeRate(dec(f.rate));
  const lotDp = grid.lotPlaces!;
  const tickDp = grid.tickPlaces!;
  const quantity = inst.lotSize.times(f.lots);
  const price = grid.priceOfTicks(f.ticks);
  const side = f.buy ? 'BUY' : 'SELL';
  const liquidity = f.maker ? 'MAKER' : 'TAKER';
  // The literal the venue's #fill made (before counted fills), fields in its order.
  const literal: Fill = {
    orderId: 'O-7',
    tradeId: `O-7-${f.n}`,
    symbol: inst.symbol,
    side,
    quantity,
    price,
    fee: new Money(fillFee(grid, price, quantity, rate), inst.quote),
    liquidity,
    ts,
  };
  const fee = safeTimes(safeTimes(f.ticks, f.lots), rate.units);
  const feeDp = tickDp + lotDp + rate.places;
  const counted =
    Number.isNaN(fee) || feeDp > 22
      ? undefined
      : new CountedFill(
          'OrderFilled',
          'O-7',
          f.n,
          inst.symbol,
          side,
          f.lots,
          lotDp,
          f.ticks,
          tickDp,
          fee,
          feeDp,
          inst.quote,
          liquidity,
          ts,
        );
  return { counted, literal };
}

/** An exact sum's form and value: the same state, not only the same value. */
function sumState(x: ExactAmount): unknown[] {
  return [x.toFixed(), x.smallCount, x.smallScale, x.units, x.toFloat()];
}

function tradeState(t: OpenTrade): unknown[] {
  return [t.bought, t.cost, t.sold, t.proceeds, t.fees].map(sumState);
}

function portfolioState(p: Portfolio, grid: Grid): unknown {
  const symbol = grid.instrument.symbol;
  return {
    balances: JSON.stringify(p.balances()),
    fees: JSON.stringify(p.fees()),
    positions: JSON.stringify(p.positions()),
    lots: p.positionLots(symbol),
    average: p.averagePrice(symbol).toFixed(),
    averageTicks: p.averageTicks(symbol),
    cash: p.amountFloat(grid.instrument.quote),
    fills: p.fillCount,
  };
}

describe('a counted fill', () => {
  it('is the fill literal the venue made', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...countedGrids),
        fillArb,
        fc.integer({ min: 0, max: 2 ** 42 }),
        (grid, f, ts) => {
          const { counted, literal } = countedFill(grid, f, ts);
          if (counted === undefined) return;
          expect(Object.keys(counted.fill)).toEqual(Object.keys(literal));
          expect(JSON.stringify(counted.fill)).toBe(JSON.stringify(literal));
          expect(counted.fill.fee.amount.eq(literal.fee.amount)).toBe(true);
          // The fee count is what the Decimal's own places count (what ExactAmount.plus and the fill log take).
          expect(counted.feeDp).toBe(literal.fee.amount.decimalPlaces());
          expect(dec(counted.fee).div(dec(10).pow(counted.feeDp)).eq(literal.fee.amount)).toBe(true);
          expect(counted.fill).toBe(counted.fill);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('books from its counts as its Fill literal books: portfolio, open trade and fill log', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...countedGrids),
        fc.constantFrom('1', '0.5', '1000000', '0.1234567890123456789012345678901'),
        fc.array(fc.tuple(fillArb, fc.boolean()), { minLength: 1, maxLength: 10 }),
        (grid, cash, fills) => {
          const inst = grid.instrument;
          const a = new Portfolio({ currency: inst.quote, cash, instruments: [inst] });
          const b = new Portfolio({ currency: inst.quote, cash, instruments: [inst] });
          const ta = new OpenTrade(['s'], 0);
          const tb = new OpenTrade(['s'], 0);
          const la = new FillLog([inst.symbol]);
          const lb = new FillLog([inst.symbol]);
          const lotDp = grid.lotPlaces!;
          const tickDp = grid.tickPlaces!;
          fills.forEach(([f, asCounted], i) => {
            const { counted, literal } = countedFill(grid, f, 1000 * i);
            const fill = counted === undefined ? literal : counted.fill;
            // The path before: the Fill literal, its counts read back from its Decimals.
            a.applyFill(fill);
            ta.add(f.buy, fill.quantity, fill.price, f.lots, lotDp, f.ticks, tickDp, fill.fee.amount);
            la.add(fill, 0, true, f.lots, lotDp, f.ticks, tickDp);
            if (counted !== undefined && asCounted) {
              b.applyCountedFill(counted);
              tb.addCounts(f.buy, counted.lots, lotDp, counted.ticks, tickDp, counted.fee, counted.feeDp);
              lb.addCounted(counted, 0);
            } else {
              b.applyFill(fill);
              tb.add(f.buy, fill.quantity, fill.price, f.lots, lotDp, f.ticks, tickDp, fill.fee.amount);
              lb.add(fill, 0, true, f.lots, lotDp, f.ticks, tickDp);
            }
            expect(portfolioState(b, grid)).toEqual(portfolioState(a, grid));
            expect(tradeState(tb)).toEqual(tradeState(ta));
          });
          expect(JSON.stringify(lb.fills())).toBe(JSON.stringify(la.fills()));
          expect(lb.fills().map((x) => Object.keys(x))).toEqual(la.fills().map((x) => Object.keys(x)));
          expect(lb.feeTotal().toFixed()).toBe(la.feeTotal().toFixed());
        },
      ),
      { numRuns: 3_000 },
    );
  }, 60_000);
});
