// What the risk engine's property tests share: the symbols, random policies
// within the CRD's bounds, and the positions a check sees.
import fc from 'fast-check';
import type { RiskPolicySpec } from '../../crds/index.ts';
import type { Decimal } from '../domain/index.ts';

export const SYMBOLS = ['ETH/BTC', 'LTC/BTC', 'XLM/BTC'];

/** Policies whose limits a few dozen orders on three symbols reach, both ways. */
export const policyArb: fc.Arbitrary<RiskPolicySpec> = fc.record({
  maxDailyLossPercent: fc.constantFrom('1', '2.5', '5', '10'),
  cooldown: fc.record({
    consecutiveLosses: fc.integer({ min: 1, max: 5 }),
    minutes: fc.integer({ min: 1, max: 120 }),
  }),
  maxPositionSizePercent: fc.constantFrom('5', '10', '25', '50'),
  maxPositionNotional: fc.option(fc.constantFrom('100', '1000'), { nil: undefined }),
  riskPerTradePercent: fc.constantFrom('0.5', '1'),
  stopLossPercent: fc.constantFrom('1', '2'),
  maxCorrelatedExposurePercent: fc.constantFrom('50', '70', '100'),
  maxOpenPositions: fc.integer({ min: 1, max: 3 }),
  maxDrawdownPercent: fc.constantFrom('5', '10', '20'),
  pairLock: fc.record({
    stopLosses: fc.integer({ min: 1, max: 3 }),
    minutes: fc.integer({ min: 1, max: 120 }),
  }),
  maxOrdersPerMinute: fc.integer({ min: 1, max: 10 }),
  halt: fc.constant(false),
});

/** The open positions at `price` that a check's context lists (the flat ones left out). */
export function openPositions(
  held: ReadonlyMap<string, Decimal>,
  price: Decimal,
): { symbol: string; notional: Decimal }[] {
  return SYMBOLS.map((symbol) => ({ symbol, notional: held.get(symbol)!.times(price) })).filter(
    (p) => !p.notional.isZero(),
  );
}
