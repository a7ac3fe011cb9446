// openingLotsFromCash (the doubles, when the equity is the cash alone) against
// the decimal sizing it stands in for: the same lot count whenever it answers,
// on random cash and on cash that puts the quantity a hair from a lot boundary.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, dec } from '../domain/index.ts';
import { riskRatio } from './sizing.ts';
import {
  allocations,
  decimalEntry,
  ethBtc,
  fees,
  policies,
  type SizingPolicy,
} from './sizing-arbitraries.ts';
import { openingLotsFromCash, openingSizing } from './sizing-counts.ts';

/** The decimal path's lot count for an opening order (undefined: it submits nothing). */
function decimalLots(
  policy: SizingPolicy,
  cash: Decimal,
  ticks: number,
  maxAllocation: Decimal | undefined,
  feeRate: Decimal,
) {
  const { quantity, passes } = decimalEntry(
    policy,
    cash,
    cash,
    ethBtc.tickSize.times(ticks),
    maxAllocation,
    feeRate,
  );
  return passes ? quantity.dividedBy(ethBtc.lotSize).toNumber() : undefined;
}

function lotsFromCash(
  policy: SizingPolicy,
  cash: Decimal,
  ticks: number,
  maxAllocation: Decimal | undefined,
  feeRate: Decimal,
) {
  const plan = openingSizing({ ...policy, maxAllocation, feeRate });
  expect(plan).toBeDefined();
  return openingLotsFromCash(plan!, {
    cashF: cash.toNumber(),
    ticks,
    tickDp: 8,
    lotDp: 3,
    minLots: 1,
    minNotionalF: 0.0001,
  });
}

describe('openingLotsFromCash', () => {
  it('is the decimal sizing whenever it answers, and answers for most cash', () => {
    let answered = 0;
    fc.assert(
      fc.property(
        policies,
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        allocations,
        fees,
        (policy, digits, dp, ticks, allocation, fee) => {
          const cash = dec(`${digits}e-${dp}`);
          const maxAllocation = allocation === undefined ? undefined : dec(allocation);
          const lots = lotsFromCash(policy, cash, ticks, maxAllocation, dec(fee));
          if (lots === undefined) return;
          answered++;
          expect(lots).toBe(decimalLots(policy, cash, ticks, maxAllocation, dec(fee)));
        },
      ),
      { numRuns: 5_000 },
    );
    expect(answered).toBeGreaterThan(1_000);
  }, 30_000);

  it('is the decimal sizing a few 1e-12 either side of a lot boundary', () => {
    fc.assert(
      fc.property(
        policies,
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: -3, max: 3 }),
        fc.boolean(),
        fees,
        (policy, lots, ticks, nudge, byRisk, fee) => {
          // The cash whose risk (or size) share buys exactly `lots` lots at `ticks`, nudged by 1e-12s.
          const target = ethBtc.lotSize.times(lots).times(ethBtc.tickSize.times(ticks));
          const share = byRisk
            ? riskRatio(policy.riskPerTradePercent, policy.stopLossPercent)
            : dec(policy.maxPositionSizePercent).times('0.01');
          const cash = target.dividedBy(share).toDecimalPlaces(12).plus(dec(nudge).times('1e-12'));
          if (!cash.isPositive()) return;
          const got = lotsFromCash(policy, cash, ticks, undefined, dec(fee));
          if (got !== undefined) expect(got).toBe(decimalLots(policy, cash, ticks, undefined, dec(fee)));
        },
      ),
      { numRuns: 5_000 },
    );
  }, 30_000);
});
