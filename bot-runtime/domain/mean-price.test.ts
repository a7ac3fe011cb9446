import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from './decimal.ts';
import { meanPrice } from './mean-price.ts';

const grid = (max: number, places: number) =>
  fc
    .tuple(fc.integer({ min: 1, max }), fc.integer({ min: 0, max: places }))
    .map(([n, dp]) => new Decimal(`${n}e-${dp}`));

describe('meanPrice', () => {
  it('is (avg x filled + px x qty) / total in the domain Decimal, digit for digit', () => {
    fc.assert(
      fc.property(
        fc.oneof(grid(2 ** 40, 12), grid(10, 1), fc.constant(new Decimal(1).div(3))),
        grid(2 ** 40, 12),
        grid(2 ** 40, 12),
        grid(2 ** 40, 12),
        (avg, filled, px, qty) => {
          const total = filled.plus(qty);
          const want = avg.times(filled).plus(px.times(qty)).div(total);
          const got = meanPrice(avg, filled, px, qty, total);
          expect(got.toFixed()).toBe(want.toFixed());
          expect(got.eq(want)).toBe(true);
        },
      ),
      { numRuns: 10_000 },
    );
  }, 30_000);

  it('rounds half to even at the 60th digit, as the division does', () => {
    // 1 x 1 + 2 x 1 over 8: exact; and thirds, sevenths: rounded.
    for (const [a, f, p, q] of [
      ['1', '1', '2', '7'],
      ['0.07123456', '3', '0.07123457', '1'],
      ['1', '0.5', '2', '0.125'],
      ['3', '1', '1', '2'],
    ] as const) {
      const [avg, filled, px, qty] = [a, f, p, q].map((x) => new Decimal(x)) as [
        Decimal,
        Decimal,
        Decimal,
        Decimal,
      ];
      const total = filled.plus(qty);
      expect(meanPrice(avg, filled, px, qty, total).toFixed()).toBe(
        avg.times(filled).plus(px.times(qty)).div(total).toFixed(),
      );
    }
  }, 30_000);
});
