// A running sum of decimals kept as an exact integer count (a safe integer, two
// of them, or a BigInt count of 10^-40; see ExactAmount): adding is an integer
// addition, and a Decimal (or its text, or its double) is made only when it is
// read. The domain's Decimal sums never round while a result has at
// most 60 significant digits; a count below 10^59 has at most 59, so both ways
// give the same value. A term with more than 40 decimals, or a sum that would
// reach 10^59, moves the sum to decimals for good (the same operations the
// decimal path does, from the same exact value).
import { Decimal, ZERO } from './decimal.ts';
import { decimalOfUnits, pow10, unitsOf } from './units.ts';
import { LIMB, LIMB_DIGITS, wideQuotient } from './wide-quotient.ts';

export const AMOUNT_SCALE = 40;
const POW10N: bigint[] = [];
for (let i = 0, p = 1n; i <= 2 * AMOUNT_SCALE; i++, p *= 10n) POW10N.push(p);
const LIMIT = 10n ** 59n;

/** 10^n as a BigInt, 0 <= n <= 80. */
export function pow10n(n: number): bigint {
  return POW10N[n]!;
}

let lastDecimal: Decimal | undefined;
let lastUnits: bigint | undefined;

/** `x * 10^40` when that is an integer (x has at most 40 decimals); undefined otherwise. */
export function unitsOfDecimal(x: Decimal): bigint | undefined {
  // A fill's fee is counted into a few sums in a row: the last answer is kept.
  if (x === lastDecimal) return lastUnits;
  const u = countUnits(x);
  lastDecimal = x;
  lastUnits = u;
  return u;
}

function countUnits(x: Decimal): bigint | undefined {
  const words = (x as unknown as { d: number[] | null }).d;
  if (words === null) return undefined;
  const n = words.length;
  const first = words[0]!;
  if (first === 0) return 0n;
  let last = words[n - 1]!;
  let zeros = 0;
  while (last % 10 === 0) {
    last /= 10;
    zeros++;
  }
  let digits = 1;
  while (digits < 7 && first >= pow10(digits)) digits++;
  const shift = x.e - (digits - 1) - 7 * (n - 1) + zeros + AMOUNT_SCALE;
  if (shift < 0 || shift > 2 * AMOUNT_SCALE) return undefined;
  let m: bigint;
  if (n === 1) m = BigInt(last);
  else if (n === 2) m = BigInt(first * pow10(7 - zeros) + last);
  else {
    // Up to 2^53 the significand is built in a double (exact), past it in BigInts.
    let f = first;
    for (let i = 1; i < n - 1; i++) f = f * 1e7 + words[i]!;
    f = f * pow10(7 - zeros) + last;
    if (f <= Number.MAX_SAFE_INTEGER) m = BigInt(f);
    else {
      let acc = BigInt(first);
      for (let i = 1; i < n - 1; i++) acc = acc * 10_000_000n + BigInt(words[i]!);
      m = acc * POW10N[7 - zeros]! + BigInt(last);
    }
  }
  const u = m * POW10N[shift]!;
  return x.s < 0 ? -u : u;
}

/** Significant digits of |u| (trailing zeros not counted; 0 has none). */
export function significantDigits(u: bigint): number {
  if (u === 0n) return 0;
  const text = (u < 0n ? -u : u).toString();
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  return end;
}

/** The Decimal `u * 10^-scale`. */
export function decimalOfScaledUnits(u: bigint, scale: number): Decimal {
  return new Decimal(`${u}e${-scale}`);
}

/** The double nearest `u * 10^-scale` (what toFloat and toNumber give for that Decimal: all are correctly rounded). */
export function floatOfScaledUnits(u: bigint, scale: number): number {
  return floatOfDigits(u.toString(), scale);
}

/** floatOfScaledUnits from the count's text (`u.toString()`). */
function floatOfDigits(text: string, scale: number): number {
  let end = text.length;
  while (end > 1 && text.charCodeAt(end - 1) === 48) end--;
  const places = scale - (text.length - end);
  // An exact significand and an exact 10^places: one correctly rounded quotient.
  const digits = end - (text.charCodeAt(0) === 45 ? 1 : 0);
  if (digits <= 16 && places >= 0 && places <= 22) {
    // Below 2^53 the significand is an exact double (a 16-digit one may not be: then the text decides).
    const m = Number(text.slice(0, end));
    if (Math.abs(m) < 9007199254740992) return m / pow10(places);
  }
  return Number(`${text.slice(0, end)}e${-places}`);
}

/** The text Decimal#toFixed() gives for `u * 10^-40`. */
export function formatUnits(u: bigint): string {
  return formatDigits(u.toString());
}

/**
 * `0.`, `0.0`, `0.00`, ...: the start of a text below one, by its zeros after
 * the point (and with a minus). Shared, so a text below one is this and its
 * digits: fewer and smaller strings than a padded copy, kept by every record.
 */
const POINT_ZEROS: string[] = [];
const MINUS_POINT_ZEROS: string[] = [];
for (let k = 0; k <= AMOUNT_SCALE; k++) {
  POINT_ZEROS.push(`0.${'0'.repeat(k)}`);
  MINUS_POINT_ZEROS.push(`-0.${'0'.repeat(k)}`);
}
/** `''`, `0`, `00`, ...: the zeros between a point and a fraction's digits. */
const ZEROS = POINT_ZEROS.map((p) => p.slice(2));

/** The digits of a safe integer n >= 0, written as two below 10^8 (small integers, which V8 writes far faster than a larger double). */
function integerText(n: number): string {
  if (n < 1e8) return String(n);
  const low = n % 1e8;
  const text = String(low);
  return String((n - low) / 1e8) + ZEROS[8 - text.length]! + text;
}

/** A wide count's low limb as its 15 digits (leading zeros kept). */
function padded(lo: number): string {
  const text = integerText(lo);
  return ZEROS[LIMB_DIGITS - text.length]! + text;
}

/** formatUnits from the count's text (`u.toString()`), for a count of 10^-scale (40 unless given). */
function formatDigits(text: string, scale = AMOUNT_SCALE): string {
  const neg = text.charCodeAt(0) === 45;
  const digits = neg ? text.slice(1) : text;
  if (digits.length <= scale) {
    // Below one: its digits without their trailing zeros, after `0.` and the zeros the scale asks for.
    let end = digits.length;
    while (end > 0 && digits.charCodeAt(end - 1) === 48) end--;
    if (end === 0) return '0';
    const lead = (neg ? MINUS_POINT_ZEROS : POINT_ZEROS)[scale - digits.length]!;
    return lead + (end === digits.length ? digits : digits.slice(0, end));
  }
  const cut = digits.length - scale;
  let end = digits.length;
  while (end > cut && digits.charCodeAt(end - 1) === 48) end--;
  const out = end > cut ? `${digits.slice(0, cut)}.${digits.slice(cut, end)}` : digits.slice(0, cut);
  return neg ? `-${out}` : out;
}

/** The text Decimal#toFixed() gives for `n * 10^-scale` (n a safe integer, so String(n) has no exponent). */
export function formatCount(n: number, scale: number): string {
  const neg = n < 0;
  const a = neg ? -n : n;
  // The remainder and the quotient of safe integers by an exact power of ten are exact.
  let frac = scale === 0 ? 0 : a % pow10(scale);
  const whole = (a - frac) / pow10(scale);
  let places = scale;
  while (frac !== 0 && frac % 10 === 0) {
    frac /= 10;
    places--;
  }
  if (frac === 0) return neg && a !== 0 ? `-${whole}` : String(whole);
  // String of the whole fraction: a record keeps this text, and one string is smaller than the joined pieces integerText makes.
  const digits = String(frac);
  if (whole === 0) return (neg ? MINUS_POINT_ZEROS : POINT_ZEROS)[places - digits.length]! + digits;
  const text = `${whole}.${ZEROS[places - digits.length]!}${digits}`;
  return neg ? `-${text}` : text;
}

/** The text and the double of `u * 10^-scale` (40 unless given; one conversion of the count to text for both). */
export function textAndFloat(u: bigint, scale = AMOUNT_SCALE): { text: string; float: number } {
  const digits = u.toString();
  return { text: formatDigits(digits, scale), float: floatOfDigits(digits, scale) };
}

/** The Decimal `u * 10^-40`. */
export function decimalOfAmountUnits(u: bigint): Decimal {
  return new Decimal(`${u}e-${AMOUNT_SCALE}`);
}

/** The double nearest `u * 10^-40` (what toFloat/toNumber give for that Decimal: both are correctly rounded). */
export function floatOfAmountUnits(u: bigint): number {
  return floatOfScaledUnits(u, AMOUNT_SCALE);
}

/** The four forms of an ExactAmount: a safe-integer count, two of them (a wide count), a BigInt count of 10^-40, a Decimal. */
const SMALL = 0;
const WIDE = 1;
const BIG = 2;
const DECIMAL = 3;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class ExactAmount {
  /**
   * SMALL: `#small x 10^-#scale`, a safe integer at the places of its terms
   * (at most 22), exact and cheap (its double is one correctly rounded
   * quotient); WIDE: `(#hi x 10^15 + #lo) x 10^-#wideScale`, two safe
   * integers (0 <= #lo < 10^15, #wideScale at most 22), where a cash sum of
   * fills counted at 19 places goes past 2^53; BIG: `#units x 10^-40`;
   * DECIMAL: `#decimal`. A sum only moves from SMALL to WIDE to BIG to
   * DECIMAL, each time from the same exact value.
   */
  #mode: number;
  #small = 0;
  /** SMALL's scale, kept as it was when the sum left SMALL (what `smallScale` reads). */
  #scale = 0;
  #hi = 0;
  #lo = 0;
  #wideScale = 0;
  #units = 0n;
  #decimal: Decimal | undefined;
  /** `#units.toString()`, made once per value for its text and its double. */
  #digits: string | undefined;

  constructor(start: Decimal) {
    this.#decimal = start;
    this.#mode = DECIMAL;
    if (start === ZERO) {
      this.#mode = SMALL;
      return;
    }
    const places = start.decimalPlaces();
    if (places <= 22) {
      const n = unitsOf(start, places);
      if (!Number.isNaN(n)) {
        this.#mode = SMALL;
        this.#small = n;
        this.#scale = places;
        return;
      }
    }
    const u = unitsOfDecimal(start);
    if (u !== undefined && u < LIMIT && u > -LIMIT) {
      this.#mode = BIG;
      this.#units = u;
    }
  }

  /** Back to zero, in the state `new ExactAmount(ZERO)` starts in: an open trade's sums, reused for the next trade. */
  reset(): void {
    this.#mode = SMALL;
    this.#small = 0;
    this.#scale = 0;
    this.#hi = 0;
    this.#lo = 0;
    this.#wideScale = 0;
    this.#units = 0n;
    this.#decimal = ZERO;
    this.#digits = undefined;
  }

  /** The small form `n x 10^-scale` itself (n a safe integer, scale at most 22): what `smallCount` and `smallScale` read back. */
  static ofSmallCount(n: number, scale: number): ExactAmount {
    const x = new ExactAmount(ZERO);
    x.#small = n;
    x.#scale = scale;
    x.#decimal = undefined;
    return x;
  }

  /** The count of 10^-40 while the sum is kept as a count (for sums of sums); undefined once in decimals. */
  get units(): bigint | undefined {
    if (this.#mode === SMALL) return BigInt(this.#small) * POW10N[AMOUNT_SCALE - this.#scale]!;
    if (this.#mode === WIDE) return this.#wideUnits();
    return this.#mode === BIG ? this.#units : undefined;
  }

  /** The sum as a safe-integer count of 10^-smallScale, while it is one (NaN otherwise). */
  get smallCount(): number {
    return this.#mode === SMALL ? this.#small : Number.NaN;
  }

  get smallScale(): number {
    return this.#scale;
  }

  plus(x: Decimal): void {
    if (this.#mode <= WIDE) {
      const places = x.decimalPlaces();
      if (places <= 22) {
        const n = unitsOf(x, places);
        if (!Number.isNaN(n) && this.plusCount(n, places)) return;
      }
    }
    if (this.#mode !== DECIMAL) {
      const u = unitsOfDecimal(x);
      if (u !== undefined && this.plusUnits(u)) return;
    }
    this.#toDecimals();
    this.#decimal = this.#decimal!.plus(x);
  }

  /** `plus(x.negated())`. */
  minus(x: Decimal): void {
    if (this.#mode <= WIDE) {
      const places = x.decimalPlaces();
      if (places <= 22) {
        const n = unitsOf(x, places);
        if (!Number.isNaN(n) && this.plusCount(-n, places)) return;
      }
    }
    if (this.#mode !== DECIMAL) {
      const u = unitsOfDecimal(x);
      if (u !== undefined && this.plusUnits(-u)) return;
    }
    this.#toDecimals();
    this.#decimal = this.#decimal!.plus(x.negated());
  }

  /**
   * Adds `n x 10^-scale` (a safe integer, scale at most 22): in the safe
   * count while every product and the sum stay safe (doubles are exact below
   * 2^53, and a result past it shows as past it), then in the wide count
   * while its high limb stays safe, else as a BigInt count. False (nothing
   * changed) when the sum is in decimals or would reach 10^59.
   */
  plusCount(n: number, scale: number): boolean {
    if (this.#mode === SMALL) {
      const to = scale > this.#scale ? scale : this.#scale;
      const a = this.#small * pow10(to - this.#scale);
      const b = n * pow10(to - scale);
      const sum = a + b;
      if (Math.abs(a) <= MAX_SAFE && Math.abs(b) <= MAX_SAFE && Math.abs(sum) <= MAX_SAFE) {
        this.#small = sum;
        this.#scale = to;
        this.#decimal = undefined;
        return true;
      }
      this.#toWide();
    }
    if (this.#mode === WIDE) {
      if (this.#plusWide(n, scale)) return true;
      this.#toBig();
    }
    return this.plusUnits(BigInt(n) * POW10N[AMOUNT_SCALE - scale]!);
  }

  /** The wide count plus `n x 10^-scale`; false (the same value kept) when the high limb would leave the safe integers. */
  #plusWide(n: number, scale: number): boolean {
    if (scale > this.#wideScale) {
      // The sum to the term's places first: (hi x 10^15 + lo) x 10^d, the same value.
      const d = scale - this.#wideScale;
      const hi = this.#hi * pow10(d);
      if (!(Math.abs(hi) <= MAX_SAFE) || !this.#carry(hi, 0, this.#lo, d)) return false;
      this.#wideScale = scale;
    }
    if (!this.#carry(this.#hi, this.#lo, n, this.#wideScale - scale)) return false;
    this.#decimal = undefined;
    this.#digits = undefined;
    return true;
  }

  /**
   * `hi x 10^15 + lo + n x 10^d` (0 <= lo < 10^15, n a safe integer, d at
   * most 22) into #hi and #lo when the high limb stays safe; false (neither
   * written) otherwise. The split of n by an exact power of ten is exact: a
   * remainder of safe integers is, and so is the quotient of an exact multiple.
   */
  #carry(hi: number, lo: number, n: number, d: number): boolean {
    let q: number;
    if (d >= LIMB_DIGITS) {
      q = n * pow10(d - LIMB_DIGITS);
      if (!(Math.abs(q) <= MAX_SAFE)) return false;
    } else {
      const k = pow10(LIMB_DIGITS - d);
      const r = n % k;
      q = (n - r) / k;
      lo += r * pow10(d);
    }
    // |lo| < 2 x 10^15 now: one carry each way.
    if (lo >= LIMB) {
      lo -= LIMB;
      q += 1;
    } else if (lo < 0) {
      lo += LIMB;
      q -= 1;
    }
    const next = hi + q;
    if (!(Math.abs(next) <= MAX_SAFE)) return false;
    this.#hi = next;
    this.#lo = lo + 0;
    return true;
  }

  #toWide(): void {
    const r = this.#small % LIMB;
    const lo = r < 0 ? r + LIMB : r + 0;
    this.#hi = (this.#small - lo) / LIMB;
    this.#lo = lo;
    this.#wideScale = this.#scale;
    this.#mode = WIDE;
    this.#digits = undefined;
  }

  /** `#units` of a wide count (for its BigInt reads and its move to BIG). */
  #wideUnits(): bigint {
    return (
      BigInt(this.#hi) * POW10N[LIMB_DIGITS + AMOUNT_SCALE - this.#wideScale]! +
      BigInt(this.#lo) * POW10N[AMOUNT_SCALE - this.#wideScale]!
    );
  }

  /** The count's digits (`u.toString()` of the wide count at its scale) from its limbs. */
  #wideDigits(): string {
    let hi = this.#hi;
    let lo = this.#lo;
    if (hi >= 0) return hi === 0 ? integerText(lo) : integerText(hi) + padded(lo);
    // hi x 10^15 + lo = -((-hi - 1) x 10^15 + (10^15 - lo)) when lo > 0.
    if (lo > 0) {
      hi = -hi - 1;
      lo = LIMB - lo;
    } else hi = -hi;
    return hi === 0 ? `-${integerText(lo)}` : `-${integerText(hi)}${padded(lo)}`;
  }

  /** Adds a count of 10^-40; false (and nothing changed) when the sum is in decimals or would reach 10^59. */
  plusUnits(u: bigint): boolean {
    if (this.#mode === SMALL) this.#toWide();
    if (this.#mode === WIDE) this.#toBig();
    if (this.#mode !== BIG) return false;
    const next = this.#units + u;
    if (next >= LIMIT || next <= -LIMIT) return false;
    this.#units = next;
    this.#decimal = undefined;
    this.#digits = undefined;
    return true;
  }

  /** From WIDE. */
  #toBig(): void {
    this.#units = this.#wideUnits();
    this.#mode = BIG;
    this.#digits = undefined;
  }

  #toDecimals(): void {
    if (this.#mode === DECIMAL) return;
    this.#decimal = this.decimal;
    this.#mode = DECIMAL;
  }

  get decimal(): Decimal {
    if (this.#decimal === undefined) {
      if (this.#mode === SMALL) this.#decimal = decimalOfUnits(this.#small, this.#scale);
      else if (this.#mode === WIDE) {
        this.#digits ??= this.#wideDigits();
        this.#decimal = new Decimal(`${this.#digits}e-${this.#wideScale}`);
      } else this.#decimal = decimalOfAmountUnits(this.#units);
    }
    return this.#decimal;
  }

  isZero(): boolean {
    if (this.#mode === SMALL) return this.#small === 0;
    if (this.#mode === WIDE) return this.#hi === 0 && this.#lo === 0;
    return this.#mode === BIG ? this.#units === 0n : this.#decimal!.isZero();
  }

  toFixed(): string {
    if (this.#mode === SMALL) return formatCount(this.#small, this.#scale);
    if (this.#mode === DECIMAL) return this.#decimal!.toFixed();
    if (this.#mode === WIDE) {
      this.#digits ??= this.#wideDigits();
      return formatDigits(this.#digits, this.#wideScale);
    }
    this.#digits ??= this.#units.toString();
    return formatDigits(this.#digits);
  }

  toFloat(): number {
    if (this.#mode === SMALL) return this.#small / pow10(this.#scale);
    if (this.#mode === DECIMAL) return this.#decimal!.toNumber();
    if (this.#mode === WIDE) {
      // Below 10^15 counts the count is one exact double: one correctly rounded quotient, as for SMALL.
      if (this.#hi === 0) return this.#lo / pow10(this.#wideScale);
      // From the limbs where their residual decides, else from the text (a tie or close to one).
      const f = wideQuotient(this.#hi, this.#lo, this.#wideScale);
      if (!Number.isNaN(f)) return f;
      this.#digits ??= this.#wideDigits();
      return floatOfDigits(this.#digits, this.#wideScale);
    }
    this.#digits ??= this.#units.toString();
    return floatOfDigits(this.#digits, AMOUNT_SCALE);
  }
}
