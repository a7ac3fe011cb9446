import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from './decimal.ts';
import { ceilDiv, compareDecimals, decimalOfUnits, floorDiv, unitsOf } from './units.ts';

const internals = (x: Decimal) => {
  const w = x as unknown as { s: number; e: number; d: number[] };
  return { s: w.s, e: w.e, d: [...w.d] };
};

const safeInt = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.maxSafeInteger().map((n) => n - (n % 1000)),
  fc.maxSafeInteger(),
  fc.maxSafeInteger().map((n) => -n),
);

describe('units', () => {
  it('decimalOfUnits makes the Decimal decimal.js parses from the same digits', () => {
    fc.assert(
      fc.property(safeInt, fc.integer({ min: 0, max: 30 }), (n, dp) => {
        const fast = decimalOfUnits(n, dp);
        const parsed = new Decimal(`${n}e-${dp}`);
        expect(internals(fast)).toEqual(internals(parsed));
        expect(fast.constructor).toBe(Decimal);
        expect(fast.toFixed()).toBe(parsed.toFixed());
      }),
      { numRuns: 8_000 },
    );
  }, 30_000);

  it('unitsOf gives x * 10^dp when it is a safe integer, NaN otherwise', () => {
    fc.assert(
      fc.property(
        safeInt,
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 22 }),
        (n, dp, want) => {
          const x = new Decimal(`${n}e-${dp}`);
          const exact = x.times(new Decimal(10).pow(want));
          const u = unitsOf(x, want);
          if (exact.isInteger() && exact.abs().lte(Number.MAX_SAFE_INTEGER)) {
            expect(u).toBe(exact.toNumber());
          } else expect(u).toBeNaN();
        },
      ),
      { numRuns: 8_000 },
    );
    expect(unitsOf(new Decimal('0.07123456'), 8)).toBe(7_123_456);
    expect(unitsOf(new Decimal('0.071234561'), 8)).toBeNaN();
    expect(unitsOf(new Decimal('-2.5'), 2)).toBe(-250);
  }, 30_000);

  it('floorDiv and ceilDiv are the exact quotients', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.maxSafeInteger(),
          fc.integer({ min: 0, max: 10_000 }).map((d) => Number.MAX_SAFE_INTEGER - d),
        ),
        fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 1, max: 100 })),
        fc.boolean(),
        (a0, b, neg) => {
          const a = neg ? -a0 : a0;
          const q = floorDiv(a, b);
          expect(BigInt(q)).toBe(
            BigInt(a) >= 0n ? BigInt(a) / BigInt(b) : -((-BigInt(a) + BigInt(b) - 1n) / BigInt(b)),
          );
          expect(BigInt(ceilDiv(a, b))).toBe(-BigInt(floorDiv(-a, b)));
        },
      ),
      { numRuns: 8_000 },
    );
  }, 30_000);

  it('compareDecimals is comparedTo', () => {
    const value = fc.oneof(
      fc.tuple(safeInt, fc.integer({ min: 0, max: 30 })).map(([n, dp]) => new Decimal(`${n}e-${dp}`)),
      fc.constantFrom(
        new Decimal(0),
        new Decimal('-0'),
        new Decimal(1).div(3),
        new Decimal('1e-40'),
        new Decimal(7),
      ),
    );
    fc.assert(
      fc.property(value, value, (x, y) => {
        expect(compareDecimals(x, y)).toBe(x.comparedTo(y));
        expect(compareDecimals(x, x)).toBe(0);
      }),
      { numRuns: 8_000 },
    );
  }, 30_000);
});
