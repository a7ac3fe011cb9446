// ExactAmount's wide form (two safe-integer limbs, where a sum of counts at
// up to 22 places goes past 2^53) against decimal.js: random sequences of
// additions of random-scale counts and decimals, every read compared with the
// Decimal sum, through the moves from one limb to two and on to BigInt.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, dec } from './decimal.ts';
import { ExactAmount } from './exact-amount.ts';

const SAFE = Number.MAX_SAFE_INTEGER;

/** A count and its places: small, near 2^53, cash-like fills (8 places) and fees (19 places), both signs. */
const count = fc.oneof(
  fc.tuple(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 22 })),
  fc.tuple(fc.integer({ min: -SAFE, max: SAFE }), fc.integer({ min: 0, max: 22 })),
  fc.tuple(fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), fc.constant(8)),
  fc.tuple(fc.integer({ min: -(10 ** 16), max: 10 ** 16 }), fc.constant(19)),
  fc.tuple(
    fc.constantFrom(SAFE, -SAFE, 10 ** 15, -(10 ** 15), 10 ** 15 - 1, 1 - 10 ** 15),
    fc.constantFrom(0, 7, 15, 22),
  ),
);

/** A step: a count by plusCount, or a decimal by plus/minus (any places, 40 and more included). */
const step = fc.oneof(
  { weight: 4, arbitrary: count.map(([n, scale]) => ({ kind: 'count' as const, n, scale })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.bigInt({ min: -(10n ** 32n), max: 10n ** 32n }),
        fc.integer({ min: 0, max: 44 }),
        fc.boolean(),
      )
      .map(([n, places, viaMinus]) => ({ kind: 'decimal' as const, x: `${n}e-${places}`, viaMinus })),
  },
);

/** x * 10^40 when it is an integer, else undefined. */
function unitsOfValue(x: Decimal): bigint | undefined {
  const scaled = x.times(dec(10).pow(40));
  return scaled.isInteger() ? BigInt(scaled.toFixed()) : undefined;
}

function expectReads(sum: ExactAmount, want: Decimal): void {
  expect(sum.toFixed()).toBe(want.toFixed());
  expect(sum.decimal.toFixed()).toBe(want.toFixed());
  expect(sum.toFloat()).toBe(Number(want.toFixed()));
  expect(sum.toFloat()).toBe(want.toNumber());
  expect(sum.isZero()).toBe(want.isZero());
  const units = sum.units;
  if (units !== undefined) expect(units).toBe(unitsOfValue(want));
  if (!Number.isNaN(sum.smallCount))
    expect(dec(sum.smallCount).times(dec(10).pow(-sum.smallScale)).eq(want)).toBe(true);
}

describe('ExactAmount wide count', () => {
  it('every read of a sum of random-scale counts and decimals is the Decimal sum', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('0', '1', '-3.5', '0.00000001'),
        fc.array(fc.tuple(step, fc.boolean()), { maxLength: 40 }),
        (start, steps) => {
          const sum = new ExactAmount(start === '0' ? dec(0) : dec(start));
          let want = dec(start);
          for (const [s, read] of steps) {
            if (s.kind === 'count') {
              const term = new Decimal(`${s.n}e-${s.scale}`);
              if (sum.plusCount(s.n, s.scale)) want = want.plus(term);
              else {
                // Only a sum in decimals, or one that would reach 10^59, refuses a count.
                expect(sum.units === undefined || want.plus(term).abs().gte(dec(10).pow(19))).toBe(true);
                sum.plus(term);
                want = want.plus(term);
              }
            } else if (s.viaMinus) {
              sum.minus(dec(s.x));
              want = want.plus(dec(s.x).negated());
            } else {
              sum.plus(dec(s.x));
              want = want.plus(dec(s.x));
            }
            if (read) expectReads(sum, want);
          }
          expectReads(sum, want);
        },
      ),
      { numRuns: 4_000 },
    );
  }, 60_000);

  it('a cash sum of fills at 8 places and fees at 19 stays exact past 2^53 counts', () => {
    const sum = new ExactAmount(dec(1));
    let want = dec(1);
    fc.assert(
      fc.property(
        fc.integer({ min: -(10 ** 12), max: 10 ** 12 }),
        fc.integer({ min: 0, max: 10 ** 14 }),
        (notional, fee) => {
          expect(sum.plusCount(notional, 8)).toBe(true);
          expect(sum.plusCount(-fee, 19)).toBe(true);
          want = want.plus(new Decimal(`${notional}e-8`)).minus(new Decimal(`${fee}e-19`));
          expectReads(sum, want);
          // The sum has left the single count (1 at 19 places is past 2^53) and is still a count.
          expect(Number.isNaN(sum.smallCount)).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('low limbs with leading zeros, negative sums and the borrow between limbs read right', () => {
    const cases: [number, number][][] = [
      [
        [SAFE, 0],
        [1, 0],
        [-SAFE, 0],
        [-1, 0],
      ],
      [
        [SAFE, 19],
        [SAFE, 19],
        [-(10 ** 15) + 7, 19],
      ],
      [
        [-SAFE, 3],
        [-SAFE, 3],
        [1, 3],
        [5, 22],
      ],
      [
        [10 ** 15, 0],
        [SAFE, 22],
        [SAFE, 22],
      ],
      [
        [SAFE, 0],
        [SAFE, 0],
        [1, 22],
      ],
    ];
    for (const steps of cases) {
      const sum = new ExactAmount(dec(0));
      let want = dec(0);
      for (const [n, scale] of steps) {
        const term = new Decimal(`${n}e-${scale}`);
        if (!sum.plusCount(n, scale)) sum.plus(term);
        want = want.plus(term);
        expectReads(sum, want);
      }
    }
  });
});
