// The portfolio's integer counts (ExactAmount sums, PositionBook folds) against
// the decimal operations they replace: the same values, digit for digit, on
// and off the grids, and past the safe integers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, dec, ZERO } from './decimal.ts';
import { ExactAmount, floatOfAmountUnits, formatCount, formatUnits } from './exact-amount.ts';
import type { Fill } from './fill.ts';
import { Instrument } from './instrument.ts';
import { Money } from './money.ts';
import { Portfolio } from './portfolio.ts';
import { applyFillToPosition, flatPosition, type Position } from './position.ts';
import { PositionBook } from './position-book.ts';

const instruments = [
  new Instrument({
    symbol: 'ETHBTC',
    base: 'ETH',
    quote: 'BTC',
    tickSize: '0.00000001',
    lotSize: '0.00000001',
  }),
  new Instrument({ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001' }),
  new Instrument({ symbol: 'XXBTC', base: 'XX', quote: 'BTC', tickSize: '0.05', lotSize: '0.25' }),
];

/** Decimals on a grid, off it (more places), large (past a safe integer of units) and long (past 40 places). */
const decimalText = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 10 }))
    .map(([n, dp]) => `${n}e-${dp}`),
  fc
    .tuple(fc.bigInt({ min: 1n, max: 10n ** 30n }), fc.integer({ min: 0, max: 45 }))
    .map(([n, dp]) => `${n}e-${dp}`),
  fc.constantFrom('0.1', '3', '0.00000001', '123456789.123456789'),
);

const view = (p: Position) => ({
  quantity: p.quantity.toFixed(),
  averagePrice: p.averagePrice.toFixed(),
  realizedPnl: p.realizedPnl.amount.toFixed(),
  bought: p.boughtQuantity.toFixed(),
  sold: p.soldQuantity.toFixed(),
  fills: p.fillCount,
});

let seq = 0;
function fill(inst: Instrument, side: 'BUY' | 'SELL', quantity: Decimal, price: Decimal, fee: Decimal): Fill {
  seq++;
  return {
    orderId: `o${seq}`,
    tradeId: `t${seq}`,
    symbol: inst.symbol,
    side,
    quantity,
    price,
    fee: new Money(fee, inst.quote),
    liquidity: 'TAKER',
    ts: seq,
  };
}

/** Mostly on-grid fills (lots and ticks), some off-grid or huge ones. */
const fills = (inst: Instrument) =>
  fc
    .array(
      fc.record({
        side: fc.constantFrom('BUY', 'SELL') as fc.Arbitrary<'BUY' | 'SELL'>,
        lots: fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 2 ** 45 })),
        ticks: fc.oneof(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 2 ** 45 })),
        odd: fc.option(decimalText, { freq: 8 }),
        feeBps: fc.integer({ min: 0, max: 30 }),
      }),
      { maxLength: 30 },
    )
    .map((xs) =>
      xs.map(({ side, lots, ticks, odd, feeBps }) => {
        const quantity = odd !== null && ticks % 2 === 0 ? dec(odd) : inst.lotSize.times(lots);
        const price = odd !== null && ticks % 2 === 1 ? dec(odd) : inst.tickSize.times(ticks);
        return fill(inst, side, quantity, price, price.times(quantity).times(feeBps).times('0.0001'));
      }),
    );

/** The decimal portfolio as it was before the counts: balances and fees as Decimal sums. */
function referenceBalances(inst: Instrument, cash: Decimal, list: Fill[]) {
  const balances = new Map<string, Decimal>([[inst.quote, cash]]);
  const fees = new Map<string, Decimal>();
  const add = (c: string, a: Decimal) => balances.set(c, (balances.get(c) ?? ZERO).plus(a));
  for (const f of list) {
    const notional = f.price.times(f.quantity);
    if (f.side === 'BUY') {
      add(inst.quote, notional.negated());
      add(inst.base, f.quantity);
    } else {
      add(inst.quote, notional);
      add(inst.base, f.quantity.negated());
    }
    add(f.fee.currency, f.fee.amount.negated());
    fees.set(f.fee.currency, (fees.get(f.fee.currency) ?? ZERO).plus(f.fee.amount));
  }
  return { balances, fees };
}

describe('exact counts', () => {
  it('ExactAmount sums are the Decimal sums', () => {
    fc.assert(
      fc.property(
        decimalText,
        fc.array(fc.tuple(decimalText, fc.boolean(), fc.boolean()), { maxLength: 40 }),
        (start, terms) => {
          const sum = new ExactAmount(dec(start));
          let want = dec(start);
          for (const [t, negative, viaMinus] of terms) {
            const x = negative ? dec(t).negated() : dec(t);
            if (viaMinus) {
              sum.minus(x);
              want = want.plus(x.negated());
            } else {
              sum.plus(x);
              want = want.plus(x);
            }
            expect(sum.toFixed()).toBe(want.toFixed());
          }
          expect(sum.decimal.eq(want)).toBe(true);
          expect(sum.toFloat()).toBe(want.toNumber());
          expect(sum.isZero()).toBe(want.isZero());
        },
      ),
      { numRuns: 3_000 },
    );
    expect(formatUnits(-25n * 10n ** 38n)).toBe('-0.25');
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.maxSafeInteger()),
        fc.boolean(),
        fc.integer({ min: 0, max: 22 }),
        (m, neg, scale) => {
          const n = neg ? -m : m;
          expect(formatCount(n, scale)).toBe(new Decimal(`${n}e-${scale}`).toFixed());
        },
      ),
      { numRuns: 8_000 },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
          fc.bigInt({ min: 10n ** 15n, max: 2n ** 54n }),
          fc.bigInt({ min: -(2n ** 54n), max: -(10n ** 15n) }),
          fc.bigInt({ min: -(10n ** 58n), max: 10n ** 58n }),
        ),
        fc.integer({ min: 0, max: 45 }),
        (n, zeros) => {
          const u = n * 10n ** BigInt(zeros);
          if (u >= 10n ** 59n || u <= -(10n ** 59n)) return;
          expect(floatOfAmountUnits(u)).toBe(new Decimal(`${u}e-40`).toNumber());
        },
      ),
      { numRuns: 8_000 },
    );
    expect(formatUnits(0n)).toBe('0');
  }, 30_000);

  it("floatOfAmountUnits is Number of the count's text, ties and their neighbours included", () => {
    const LIMIT = 10n ** 59n;
    const want = (u: bigint) => Number(`${u}e-40`);
    // u/10^40 exactly halfway between two doubles (and one unit either side): ties go to even.
    const midpoint = (d: number): bigint | undefined => {
      const view = new DataView(new ArrayBuffer(8));
      view.setFloat64(0, d);
      const bits = view.getBigUint64(0);
      const exp = Number(bits >> 52n) - 1075;
      const m = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
      // d + ulp/2 = (2m + 1) * 2^(exp - 1); a count of 10^-40 when exp - 1 >= -40.
      if (exp - 1 < -40) return undefined;
      return (2n * m + 1n) * 5n ** 40n * 2n ** BigInt(exp - 1 + 40);
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
          fc.bigInt({ min: 10n ** 38n, max: 10n ** 43n }),
          fc.bigInt({ min: -(LIMIT - 1n), max: LIMIT - 1n }),
          fc.integer({ min: 0, max: 195 }).map((k) => 2n ** BigInt(k)),
        ),
        fc.integer({ min: -2, max: 2 }),
        (n, delta) => {
          for (const u of [n + BigInt(delta), -(n + BigInt(delta))]) {
            if (u >= LIMIT || u <= -LIMIT) continue;
            expect(floatOfAmountUnits(u)).toBe(want(u));
          }
        },
      ),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(
        fc.double({ min: 2 ** -39, max: 1e18, noNaN: true }),
        fc.integer({ min: -1, max: 1 }),
        (d, delta) => {
          const mid = midpoint(d);
          if (mid === undefined || mid + 1n >= LIMIT) return;
          const u = mid + BigInt(delta);
          expect(floatOfAmountUnits(u)).toBe(want(u));
          expect(floatOfAmountUnits(-u)).toBe(want(-u));
        },
      ),
      { numRuns: 20_000 },
    );
    for (const u of [
      0n,
      1n,
      -1n,
      LIMIT - 1n,
      1n - LIMIT,
      10n ** 40n,
      2n ** 53n,
      2n ** 53n + 1n,
      9n * 10n ** 55n,
    ]) {
      expect(floatOfAmountUnits(u)).toBe(want(u));
    }
  }, 30_000);

  it('PositionBook folds fills as applyFillToPosition does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...instruments).chain((inst) => fc.tuple(fc.constant(inst), fills(inst))),
        ([inst, list]) => {
          const tickDp = inst.tickSize.decimalPlaces();
          const lotDp = inst.lotSize.decimalPlaces();
          const grid = (step: Decimal, dp: number) => (step.eq(dec(10).pow(-dp)) ? dp : undefined);
          const book = new PositionBook(
            flatPosition(inst.symbol, inst.quote),
            grid(inst.tickSize, tickDp),
            grid(inst.lotSize, lotDp),
          );
          let want = flatPosition(inst.symbol, inst.quote);
          for (const f of list) {
            want = applyFillToPosition(want, f);
            book.apply(f);
            expect(view(book.position)).toEqual(view(want));
          }
        },
      ),
      { numRuns: 2_000 },
    );
  }, 30_000);

  it('PositionBook adds round trips after an average off the tick grid as applyFillToPosition does', () => {
    // The sum goes to decimals once (the average of two entries is off the grid); the closes after it are
    // counts that wait to be added (more of them than wait at most), read now and then.
    const inst = instruments[0]!;
    fc.assert(
      // Read every `every` round trips: more than wait at most when it is past 1,024.
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 2_000 }),
        (seed, every) => {
          const book = new PositionBook(flatPosition(inst.symbol, inst.quote), 8, 8);
          let want = flatPosition(inst.symbol, inst.quote);
          let r = seed;
          const next = (n: number) => {
            r = (Math.imul(r, 48271) >>> 0) % 2147483647;
            return 1 + (r % n);
          };
          const at = (side: 'BUY' | 'SELL', lots: number, ticks: number) => {
            const f = fill(inst, side, inst.lotSize.times(lots), inst.tickSize.times(ticks), ZERO);
            want = applyFillToPosition(want, f);
            book.apply(f);
          };
          // An average of 7000000.333... ticks: sixty digits, so the sum of the close is in decimals for good.
          at('BUY', 1, 7_000_001);
          at('BUY', 2, 7_000_000);
          at('SELL', 3, 7_100_000);
          for (let i = 0; i < 1_300; i++) {
            if (i === 1_100) {
              // Another average off the grid: its close's decimal term comes after the waiting ones.
              at('BUY', 2, 6_000_001);
              at('BUY', 1, 6_000_000);
              at('SELL', 3, 6_000_000);
            }
            const lots = next(300_000_000);
            at('BUY', lots, 5_000_000 + next(5_000_000));
            at('SELL', lots, 5_000_000 + next(5_000_000));
            if (i % every === 0) expect(view(book.position)).toEqual(view(want));
          }
          expect(view(book.position)).toEqual(view(want));
        },
      ),
      {
        numRuns: 8,
        examples: [
          [1, 2_000],
          [2, 300],
        ],
      },
    );
  }, 30_000);

  it('Portfolio balances, fees and positions are the decimal fold', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...instruments)
          .chain((inst) => fc.tuple(fc.constant(inst), fills(inst), decimalText)),
        ([inst, list, cash]) => {
          const pf = new Portfolio({ currency: inst.quote, cash: dec(cash), instruments: [inst] });
          let position = flatPosition(inst.symbol, inst.quote);
          for (const f of list) {
            pf.applyFill(f);
            position = applyFillToPosition(position, f);
          }
          const want = referenceBalances(inst, dec(cash), list);
          for (const [c, a] of want.balances) expect(pf.amount(c).toFixed()).toBe(a.toFixed());
          expect(pf.amountFloat(inst.quote)).toBe(want.balances.get(inst.quote)!.toNumber());
          expect(pf.fees().map((m) => [m.currency, m.amount.toFixed()])).toEqual(
            [...want.fees].map(([c, a]) => [c, a.toFixed()]),
          );
          expect(view(pf.position(inst.symbol))).toEqual(view(position));
          expect(pf.fillCount).toBe(list.length);
        },
      ),
      { numRuns: 2_000 },
    );
  }, 30_000);
});
