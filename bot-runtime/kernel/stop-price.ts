// The protective stop under an average entry: `average x (1 - stopLoss%)`,
// rounded down to the tick. In tick counts when the average is on the grid
// (floor(ticks x factor) is what toDecimalPlaces gives the product, from one
// tick up: tested equal), else in decimals.
import type { Decimal } from '../domain/index.ts';
import { floorDiv, pow10, safeTimes, unitsOf } from '../domain/units.ts';
import type { Grid } from '../venue/grid.ts';

export interface StopFactor {
  readonly factor: Decimal;
  /** The factor as a count of 10^-places (NaN: not a safe one). */
  readonly units: number;
  readonly places: number;
}

export function stopFactor(factor: Decimal): StopFactor {
  const places = factor.decimalPlaces();
  return { factor, places, units: places <= 22 ? unitsOf(factor, places) : Number.NaN };
}

export function stopPrice(grid: Grid, average: Decimal, f: StopFactor): Decimal {
  const stop = stopTicks(grid.ticksOf(average), f);
  if (!Number.isNaN(stop)) return grid.priceOfTicks(stop);
  return grid.price(average.times(f.factor), 'down');
}

/** stopPrice's tick count for an average of `ticks` (NaN when the counts cannot decide: then stopPrice's decimals do). */
export function stopTicks(ticks: number, f: StopFactor): number {
  const product = safeTimes(ticks, f.units);
  if (Number.isNaN(product)) return Number.NaN;
  const stop = floorDiv(product, pow10(f.places));
  return stop >= 1 ? stop : Number.NaN;
}
