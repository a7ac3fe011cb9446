// The double nearest `(hi x 10^15 + lo) / 10^scale` (a wide ExactAmount's
// value) from its limbs, without making its text: a candidate quotient, then
// its residual `N - y x 10^scale` computed exactly enough (error-free sums
// and products of doubles) to tell on which side of half an ulp the value
// lies. NaN where that is too close to call (a tie, or within 2^-40 of half
// an ulp) or near a power of two: the caller then parses the text.

import { pow10 } from './units.ts';

/** A wide count's low limb counts below 10^15 (ExactAmount): twice that is still a safe integer. */
export const LIMB_DIGITS = 15;
export const LIMB = 1e15;
/** Veltkamp's splitter for doubles: 2^27 + 1. */
const SPLIT = 134217729;

/** `a x b - fl(a x b)`, exactly (Dekker's product; no overflow here). */
function productError(a: number, b: number, p: number): number {
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * The correctly rounded `(hi x 10^15 + lo) / 10^scale` for safe integers
 * `hi` (not 0) and `0 <= lo < 10^15`, `scale` at most 22; NaN when the
 * residual cannot decide (see above).
 */
export function wideQuotient(hi: number, lo: number, scale: number): number {
  // |N| = h x 10^15 + l, with the sign apart.
  let h = hi;
  let l = lo;
  let sign = 1;
  if (hi < 0) {
    sign = -1;
    if (lo > 0) {
      h = -hi - 1;
      l = LIMB - lo;
    } else h = -hi;
  }
  const d = pow10(scale);
  // N = n1 + n2 (n2 rounded once, far below what the test needs): h x 10^15 exactly as p + e, plus l.
  const p = h * LIMB;
  const e = productError(h, LIMB, p);
  const n1 = p + l;
  const bb = n1 - p;
  const n2 = p - (n1 - bb) + (l - bb) + e;
  const y = n1 / d;
  // y x d = t + te exactly; n1 - t is exact (both within 2^-50 of N).
  const t = y * d;
  const te = productError(y, d, t);
  const r = n1 - t + (n2 - te);
  // ulp(y): the power of two at or below y, times 2^-52 (log2 may round up next to a power).
  let pow = 2 ** Math.floor(Math.log2(y));
  if (pow > y) pow /= 2;
  else if (pow * 2 <= y) pow *= 2;
  if (pow === y) return Number.NaN;
  const ulp = pow * 2 ** -52;
  // N's change for one ulp of y (exact: 5^scale < 2^53 times a power of two); the nearest double is a few ulps from y at most.
  const unit = d * ulp;
  const steps = Math.round(r / unit);
  if (steps > 2 || steps < -2) return Number.NaN;
  // Decided when the rest is clear of half an ulp by more than 2^-40 of one (the residual's error is far below that).
  if (Math.abs(r - steps * unit) > unit * (0.5 - 2 ** -40)) return Number.NaN;
  const z = y + steps * ulp;
  // Within y's binade, or up to the power of two above it (whose rounding interval reaches half an ulp below).
  if (z > 2 * pow || (steps < 0 && z <= pow)) return Number.NaN;
  return sign * z;
}
