// wideQuotient against Number of the count's text (correctly rounded): random
// limbs at every scale, exact ties between two doubles and their neighbours.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wideQuotient } from './wide-quotient.ts';

const SAFE = Number.MAX_SAFE_INTEGER;
const LIMB = 10n ** 15n;

/** Number of `(hi x 10^15 + lo) x 10^-scale`'s text. */
const want = (n: bigint, scale: number) => Number(`${n}e-${scale}`);

/** hi and lo of a count, when hi is a safe integer other than 0. */
function limbs(n: bigint): [number, number] | undefined {
  let lo = n % LIMB;
  if (lo < 0n) lo += LIMB;
  const hi = (n - lo) / LIMB;
  if (hi === 0n || hi > BigInt(SAFE) || hi < -BigInt(SAFE)) return undefined;
  return [Number(hi), Number(lo)];
}

/** d + ulp(d)/2 as a count at `scale` places, when that is an integer. */
function midpoint(d: number, scale: number): bigint | undefined {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const exp = Number(bits >> 52n) - 1075;
  const m = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  // (2m + 1) x 2^(exp - 1) x 10^scale
  const twos = exp - 1 + scale;
  if (twos < 0) return undefined;
  return (2n * m + 1n) * 5n ** BigInt(scale) * 2n ** BigInt(twos);
}

describe('wideQuotient', () => {
  it('is Number of the text, or NaN, on random limbs at every scale', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -SAFE, max: SAFE }), fc.integer({ min: -100_000, max: 100_000 })),
        fc.integer({ min: 0, max: 10 ** 15 - 1 }),
        fc.integer({ min: 0, max: 22 }),
        (hi, lo, scale) => {
          if (hi === 0) return;
          const f = wideQuotient(hi, lo, scale);
          if (!Number.isNaN(f)) expect(f).toBe(want(BigInt(hi) * LIMB + BigInt(lo), scale));
        },
      ),
      { numRuns: 50_000 },
    );
  });

  it('decides almost every count without its text (unbiased limbs: few are ties)', () => {
    let undecided = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.noBias(fc.integer({ min: 1, max: SAFE })),
        fc.noBias(fc.integer({ min: 0, max: 10 ** 15 - 1 })),
        fc.noBias(fc.integer({ min: 0, max: 22 })),
        (hi, lo, scale) => {
          runs++;
          if (Number.isNaN(wideQuotient(hi, lo, scale))) undecided++;
        },
      ),
      { numRuns: 20_000 },
    );
    expect(undecided).toBeLessThan(runs / 1000);
  });

  it('ties and their neighbours are decided right or left to the text', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-7, max: 9e30, noNaN: true }),
        fc.integer({ min: 0, max: 22 }),
        fc.integer({ min: -3, max: 3 }),
        fc.boolean(),
        (d, scale, delta, negative) => {
          const mid = midpoint(d, scale);
          if (mid === undefined) return;
          const n = (mid + BigInt(delta)) * (negative ? -1n : 1n);
          const l = limbs(n);
          if (l === undefined) return;
          const f = wideQuotient(l[0], l[1], scale);
          if (!Number.isNaN(f)) expect(f).toBe(want(n, scale));
          if (delta === 0) expect(f).toBeNaN();
        },
      ),
      { numRuns: 50_000 },
    );
  });

  it('counts next to powers of two', () => {
    for (let k = 50; k <= 102; k++)
      for (const scale of [0, 8, 15, 19, 22])
        for (let delta = -3n; delta <= 3n; delta++) {
          const n = 2n ** BigInt(k) + delta;
          const l = limbs(n);
          if (l === undefined) continue;
          const f = wideQuotient(l[0], l[1], scale);
          if (!Number.isNaN(f)) expect(f).toBe(want(n, scale));
        }
  });
});
