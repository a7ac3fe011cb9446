// The texts of exact counts (formatCount, textAndFloat, formatUnits) are
// Decimal#toFixed's, on random counts and on the edges the shared `0.00...`
// starts meet: no zeros after the point, as many as the scale allows, trailing
// zeros, whole parts, signs, zero.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from './decimal.ts';
import { AMOUNT_SCALE, formatCount, formatUnits, textAndFloat } from './exact-amount.ts';

/** A safe count with trailing zeros (up to 15), either sign. */
const countWithZeros = fc
  .tuple(fc.integer({ min: 1, max: 999_999_999 }), fc.integer({ min: 0, max: 15 }), fc.boolean())
  .map(([m, zeros, neg]) => {
    const n = Math.min(m * 10 ** zeros, Number.MAX_SAFE_INTEGER);
    return neg ? -n : n;
  });

describe('texts of exact counts', () => {
  it('formatCount(n, scale) is the Decimal text of n x 10^-scale', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          countWithZeros,
          fc.integer({ min: -1000, max: 1000 }),
          fc.maxSafeInteger(),
          fc.constantFrom(
            0,
            -0,
            1,
            -1,
            10,
            Number.MAX_SAFE_INTEGER,
            -Number.MAX_SAFE_INTEGER,
            10 ** 15,
            9 * 10 ** 15,
          ),
        ),
        fc.integer({ min: 0, max: 22 }),
        (n, scale) => {
          expect(formatCount(n, scale)).toBe(new Decimal(`${n === 0 ? 0 : n}e-${scale}`).toFixed());
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('textAndFloat(u, scale).text and formatUnits(u) are the Decimal text of u x 10^-scale', () => {
    const big = fc.oneof(
      fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
      fc.bigInt({ min: -(10n ** 58n), max: 10n ** 58n }),
      fc.integer({ min: -1000, max: 1000 }).map(BigInt),
      fc.constantFrom(0n, 1n, -1n, 10n ** 40n, -(10n ** 40n), 10n ** 39n, 10n ** 41n - 1n),
    );
    fc.assert(
      fc.property(
        big,
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: AMOUNT_SCALE }),
        (m, zeros, scale) => {
          const u = m * 10n ** BigInt(zeros);
          const want = (s: number) => new Decimal(`${u}e-${s}`).toFixed();
          expect(textAndFloat(u, scale).text).toBe(want(scale));
          expect(textAndFloat(u).text).toBe(want(AMOUNT_SCALE));
          expect(formatUnits(u)).toBe(want(AMOUNT_SCALE));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
