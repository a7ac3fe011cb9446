// Rounding to an instrument's tick and lot grids, fast when the step is a power
// of ten (1e-8, 0.01: every bundled market): `toDecimalPlaces` instead of the
// division `toNearest` needs. Same results as Instrument.price/quantity
// (tested), which it falls back to for other steps and for invalid values, so
// errors stay the domain's.
import { Decimal, type Instrument } from '../domain/index.ts';

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

  /** Instrument.priceFromNumber. */
  priceFromNumber(value: number, mode: 'nearest' | 'down' | 'up' = 'nearest'): Decimal {
    return this.price(new Decimal(String(value)), mode);
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
