// Rounding to an instrument's tick and lot grids, fast when the step is a power
// of ten (1e-8, 0.01: every bundled market): `toDecimalPlaces` instead of the
// division `toNearest` needs. Same results as Instrument.price/quantity
// (tested), which it falls back to for other steps and for invalid values, so
// errors stay the domain's.
import { Decimal, type Instrument } from '../domain/index.ts';
import { decimalOfUnits, pow10, unitsOf } from '../domain/units.ts';

const MODES = {
  nearest: Decimal.ROUND_HALF_EVEN,
  down: Decimal.ROUND_FLOOR,
  up: Decimal.ROUND_CEIL,
} as const;

function powerOfTenPlaces(step: Decimal): number | undefined {
  const dp = step.decimalPlaces();
  return step.eq(new Decimal(10).pow(-dp)) ? dp : undefined;
}

export class Grid {
  readonly instrument: Instrument;
  readonly #priceDp: number | undefined;
  readonly #qtyDp: number | undefined;

  constructor(instrument: Instrument) {
    this.instrument = instrument;
    this.#priceDp = powerOfTenPlaces(instrument.tickSize);
    this.#qtyDp = powerOfTenPlaces(instrument.lotSize);
  }

  /** Instrument.price: a positive price on the tick grid. */
  price(value: Decimal, mode: 'nearest' | 'down' | 'up' = 'nearest'): Decimal {
    const dp = this.#priceDp;
    // Below one tick the instrument decides (decimal.js's toNearest rounds such values to zero).
    if (dp === undefined || !value.isFinite() || value.lt(this.instrument.tickSize))
      return this.instrument.price(value, mode);
    return value.toDecimalPlaces(dp, MODES[mode]);
  }

  /** Decimal places of the tick when it is a power of ten (prices as tick counts), else undefined. */
  get tickPlaces(): number | undefined {
    return this.#priceDp;
  }

  /** Decimal places of the lot when it is a power of ten, else undefined. */
  get lotPlaces(): number | undefined {
    return this.#qtyDp;
  }

  /** Instrument.priceFromNumber. */
  priceFromNumber(value: number, mode: 'nearest' | 'down' | 'up' = 'nearest'): Decimal {
    const ticks = this.ticksFromNumber(value, mode);
    if (!Number.isNaN(ticks)) return decimalOfUnits(ticks, this.#priceDp!);
    return this.price(new Decimal(String(value)), mode);
  }

  /**
   * The tick count of `priceFromNumber(value, mode)`, from the float alone when
   * that is certain; NaN when not (then the decimal path decides). The price is
   * the shortest text of `value`, D; y = value * 10^dp is within 5e-7 of
   * D * 10^dp below 2^31 ticks (two roundings of 2^-53 each). So a fraction of
   * y at least 1e-6 away from 0 (and from 0.5 when rounding to nearest) rounds
   * the same way as D's. Next to an integer n, D * 10^dp is n exactly when
   * n / 10^dp is `value` itself (two decimals of at most 10 digits are never
   * the same double); otherwise D is within 1.5e-6 ticks of n, on the side
   * `value` lies of that double (rounding to doubles is monotonic, and D and
   * n * 10^-dp round to different ones), and the mode picks n - 1, n or n + 1.
   */
  ticksFromNumber(value: number, mode: 'nearest' | 'down' | 'up' = 'nearest'): number {
    const dp = this.#priceDp;
    if (dp === undefined || dp > 22 || !(value > 0)) return Number.NaN;
    const scale = pow10(dp);
    const y = value * scale;
    if (!(y >= 1 && y < 2147483648)) return Number.NaN;
    const n = Math.round(y);
    const off = y - n;
    if (off < 1e-6 && off > -1e-6) {
      const at = n / scale;
      if (at === value) return n;
      const above = value > at;
      // Under one tick the instrument decides (priceFromNumber's decimal path).
      if (!above && n === 1) return Number.NaN;
      if (mode === 'nearest') return n;
      if (mode === 'up') return above ? n + 1 : n;
      return above ? n : n - 1;
    }
    const floor = Math.floor(y);
    if (mode === 'down') return floor;
    if (mode === 'up') return floor + 1;
    const f = y - floor;
    if (f > 0.5 - 1e-6 && f < 0.5 + 1e-6) return Number.NaN;
    return n;
  }

  /** A price as a tick count when it is on the tick grid and the count is a safe integer; NaN otherwise. */
  ticksOf(price: Decimal): number {
    return this.#priceDp === undefined ? Number.NaN : unitsOf(price, this.#priceDp);
  }

  /** The price of a tick count (a safe integer, on a power-of-ten tick). */
  priceOfTicks(ticks: number): Decimal {
    return decimalOfUnits(ticks, this.#priceDp!);
  }

  /** Instrument.limitPrice: buys round down, sells up. */
  limitPrice(side: 'BUY' | 'SELL', value: Decimal): Decimal {
    return this.price(value, side === 'BUY' ? 'down' : 'up');
  }

  /** Instrument.quantity: on the lot grid, rounded down. */
  quantity(value: Decimal): Decimal {
    const dp = this.#qtyDp;
    if (dp === undefined || !value.isFinite() || value.isNegative()) return this.instrument.quantity(value);
    return value.toDecimalPlaces(dp, Decimal.ROUND_DOWN);
  }
}
