// Exact integer counts of a power-of-ten unit (price ticks of 1e-8, lots of
// 0.001, fee units): the order path computes with them and makes a Decimal only
// for what it hands on. A count is a JS number only while it is a safe integer;
// every function here says "no" (NaN, undefined) rather than round, and the
// caller then takes the decimal path.
import { Decimal } from './decimal.ts';

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** 10^n as an exact double (0 <= n <= 22). */
export function pow10(n: number): number {
  return POW10[n]!;
}

/** `a * b` when both are safe integers and so is the product (a double product below 2^53 is exact); NaN otherwise. */
export function safeTimes(a: number, b: number): number {
  const p = a * b;
  return Math.abs(p) <= MAX_SAFE ? p : Number.NaN;
}

/**
 * floor(a / b) for safe integers, b > 0. The remainder `a % b` is exact for
 * doubles, and `a - r` is a multiple of b no larger than a, so the quotient
 * of the two is the exact truncated one.
 */
export function floorDiv(a: number, b: number): number {
  const r = a % b;
  const t = (a - r) / b;
  return r < 0 ? t - 1 : t;
}

/** ceil(a / b) for safe integers, b > 0. */
export function ceilDiv(a: number, b: number): number {
  const r = a % b;
  const t = (a - r) / b;
  return r > 0 ? t + 1 : t;
}

/**
 * `x * 10^dp` as a safe integer when it is one exactly (x on the grid of
 * 10^-dp, not too large); NaN otherwise. Reads decimal.js's base-1e7 words,
 * like toFloat, so no text is made.
 */
export function unitsOf(x: Decimal, dp: number): number {
  const words = (x as unknown as { d: number[] | null }).d;
  if (words === null || words.length > 4) return Number.NaN;
  const first = words[0]!;
  if (first === 0) return 0;
  const n = words.length;
  // The significand without the zeros that pad the last word: m * 10^p is x.
  let last = words[n - 1]!;
  let zeros = 0;
  while (last % 10 === 0) {
    last /= 10;
    zeros++;
  }
  let m = n === 1 ? last : first;
  for (let i = 1; i < n - 1; i++) m = m * 1e7 + words[i]!;
  if (n > 1) m = m * POW10[7 - zeros]! + last;
  if (m > MAX_SAFE) return Number.NaN;
  let digits = 1;
  while (digits < 7 && first >= POW10[digits]!) digits++;
  // x = m * 10^p (p counted to the last kept digit); x * 10^dp = m * 10^(p + dp).
  const shift = x.e - (digits - 1) - 7 * (n - 1) + zeros + dp;
  if (shift < 0) return Number.NaN;
  if (shift > 22) return Number.NaN;
  const u = m * POW10[shift]!;
  return u <= MAX_SAFE ? x.s * u : Number.NaN;
}

/**
 * The Decimal `n * 10^-dp` for a safe integer `n`, built from its words the
 * way decimal.js parses `${n}e-${dp}` (tested equal), without the text.
 */
export function decimalOfUnits(n: number, dp: number): Decimal {
  const x = new Decimal(0);
  if (n === 0) return x;
  let a = Math.abs(n);
  let places = dp;
  while (a % 10 === 0) {
    a /= 10;
    places--;
  }
  let len = 1;
  while (len < 16 && a >= POW10[len]!) len++;
  // Exponent of the first digit, and how many digits the first word takes (decimal.js aligns words to the point).
  const e = len - 1 - places;
  let i = (e + 1) % 7;
  if (e < 0) i += 7;
  const w = x as unknown as { s: number; e: number; d: number[] };
  w.s = n < 0 ? -1 : 1;
  w.e = e;
  w.d = i >= len ? [(a * POW10[i - len]!) | 0] : wordsOf(a, len - i, i > 0);
  return x;
}

/**
 * The base-1e7 words of `a` (at most 16 digits) whose last `rest` digits start
 * a new word (`lead`: the digits before them make the first one). Built as an
 * array literal of its exact length with small-integer elements: a pushed
 * array keeps room for 17 doubles, and Decimals the results keep (every fill
 * holds three) would weigh 240 bytes instead of about 90.
 */
function wordsOf(a: number, rest: number, lead: boolean): number[] {
  let r = a;
  let w0 = -1;
  if (lead) {
    const p = POW10[rest]!;
    w0 = floorDiv(r, p);
    r -= w0 * p;
  }
  // At most 16 digits: after the lead at most two whole words, then the last one.
  let w1 = -1;
  let w2 = -1;
  while (rest > 7) {
    rest -= 7;
    const p = POW10[rest]!;
    const q = floorDiv(r, p);
    if (w1 < 0) w1 = q;
    else w2 = q;
    r -= q * p;
  }
  const last = (r * POW10[7 - rest]!) | 0;
  if (w1 < 0) return w0 < 0 ? [last] : [w0 | 0, last];
  if (w2 < 0) return w0 < 0 ? [w1 | 0, last] : [w0 | 0, w1 | 0, last];
  return w0 < 0 ? [w1 | 0, w2 | 0, last] : [w0 | 0, w1 | 0, w2 | 0, last];
}

/**
 * `x.comparedTo(y)` for finite Decimals, without the copy of `y` that
 * decimal.js makes first: its own steps (zeros, signs, exponents, then the
 * words), tested equal.
 */
export function compareDecimals(x: Decimal, y: Decimal): number {
  const xd = (x as unknown as { d: number[] | null }).d;
  const yd = (y as unknown as { d: number[] | null }).d;
  if (xd === null || yd === null) return x.comparedTo(y);
  const xs = x.s;
  const ys = y.s;
  if (!xd[0] || !yd[0]) return xd[0] ? xs : yd[0] ? -ys : 0;
  if (xs !== ys) return xs;
  if (x.e !== y.e) return x.e > y.e !== xs < 0 ? 1 : -1;
  const xl = xd.length;
  const yl = yd.length;
  for (let i = 0, j = xl < yl ? xl : yl; i < j; ++i) {
    if (xd[i] !== yd[i]) return xd[i]! > yd[i]! !== xs < 0 ? 1 : -1;
  }
  return xl === yl ? 0 : xl > yl !== xs < 0 ? 1 : -1;
}
