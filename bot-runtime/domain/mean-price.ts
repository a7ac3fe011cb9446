// An order's running mean fill price, `(avg x filled + px x qty) / total`, as
// the domain's Decimal computes it (60 significant digits, half to even), from
// exact integers: the products and their sum are exact when they fit 60 digits
// (the Decimal's do not round then either), and the quotient is rounded once,
// as decimal.js rounds a division (correctly). Tested equal; anything else
// (a mean that already rounded, a sum past 60 digits) goes to the Decimals.
import { Decimal } from './decimal.ts';
import { unitsOf } from './units.ts';

const P10: bigint[] = [1n];
function p10(n: number): bigint {
  for (let i = P10.length; i <= n; i++) P10.push(P10[i - 1]! * 10n);
  return P10[n]!;
}

/** x as an integer count of 10^-places (places: its own decimals, at most 22), or undefined. */
function count(x: Decimal): { u: bigint; places: number } | undefined {
  const places = x.decimalPlaces();
  if (places > 22) return undefined;
  const u = unitsOf(x, places);
  return Number.isNaN(u) ? undefined : { u: BigInt(u), places };
}

export function meanPrice(avg: Decimal, filled: Decimal, px: Decimal, qty: Decimal, total: Decimal): Decimal {
  const fast = meanFromCounts(avg, filled, px, qty, total);
  return fast ?? avg.times(filled).plus(px.times(qty)).div(total);
}

function meanFromCounts(
  avg: Decimal,
  filled: Decimal,
  px: Decimal,
  qty: Decimal,
  total: Decimal,
): Decimal | undefined {
  // Decimals of another constructor compute at its precision: theirs to do.
  for (const x of [avg, filled, px, qty, total]) if (x.constructor !== Decimal) return undefined;
  if (avg.isNegative() || px.isNegative() || filled.isNegative() || qty.isNegative() || total.isZero())
    return undefined;
  const a = count(avg);
  const f = count(filled);
  const p = count(px);
  const q = count(qty);
  const t = count(total);
  if (!a || !f || !p || !q || !t || t.u <= 0n) return undefined;
  // The products have at most 32 digits each (two safe integers), so they are exact; their sum must fit 60.
  const s1 = a.places + f.places;
  const s2 = p.places + q.places;
  const scale = Math.max(s1, s2);
  const sum = a.u * f.u * p10(scale - s1) + p.u * q.u * p10(scale - s2);
  if (sum >= p10(60)) return undefined;
  // The value is num / den; find k with 10^59 <= num x 10^k / den < 10^60, then round half to even.
  const num = sum * p10(t.places);
  const den = t.u * p10(scale);
  if (num === 0n) return new Decimal(0);
  let k = 59 - (num.toString().length - den.toString().length);
  for (;;) {
    const [n, d] = k >= 0 ? [num * p10(k), den] : [num, den * p10(-k)];
    let quotient = n / d;
    if (quotient >= p10(60)) {
      k--;
      continue;
    }
    if (quotient < p10(59)) {
      k++;
      continue;
    }
    const twice = 2n * (n - quotient * d);
    if (twice > d || (twice === d && quotient % 2n === 1n)) quotient++;
    return new Decimal(`${quotient}e${-k}`);
  }
}
