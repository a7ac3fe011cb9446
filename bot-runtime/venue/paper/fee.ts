// A fill's fee: price x quantity x rate, in the quote currency. From tick, lot
// and rate counts when their product is a safe integer (the same value, with
// one Decimal made at the end), else in decimals.
import type { Decimal } from '../../domain/index.ts';
import { decimalOfUnits, safeTimes, unitsOf } from '../../domain/units.ts';
import type { Grid } from '../grid.ts';

export interface FeeRate {
  readonly rate: Decimal;
  /** The rate as a count of 10^-places (NaN when it is not a safe integer). */
  readonly units: number;
  readonly places: number;
}

export function feeRate(rate: Decimal): FeeRate {
  const places = rate.decimalPlaces();
  return { rate, units: unitsOf(rate, places), places };
}

export function fillFee(grid: Grid, price: Decimal, quantity: Decimal, rate: FeeRate): Decimal {
  const lotDp = grid.lotPlaces;
  if (lotDp !== undefined) {
    const fee = safeTimes(safeTimes(grid.ticksOf(price), unitsOf(quantity, lotDp)), rate.units);
    if (!Number.isNaN(fee)) return decimalOfUnits(fee, grid.tickPlaces! + lotDp + rate.places);
  }
  return price.times(quantity).times(rate.rate);
}
