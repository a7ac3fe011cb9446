// The entry path in counts against the decimal one it stands in for: the same
// quantity from sizeOpeningLots as sizePosition + floorQuantity, and the same
// verdicts from the engine with its float guards as the checks themselves give.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RiskPolicySpec } from '../../crds/index.ts';
import { Decimal, dec, Instrument, Portfolio, ZERO } from '../domain/index.ts';
import { checkCorrelatedExposure, checkOpenPositions, checkPositionSize } from './checks.ts';
import { DEFAULT_RISK_POLICY, RiskEngine } from './engine.ts';
import { allocations, decimalEntry, ethBtc, fees, policies } from './sizing-arbitraries.ts';
import { openingSizing, sizeOpeningLots } from './sizing-counts.ts';

describe('entries in counts', () => {
  it('sizeOpeningLots is floorQuantity(sizePosition(...)) whenever it answers', () => {
    let answered = 0;
    fc.assert(
      fc.property(
        policies,
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        allocations,
        fees,
        fc.double({ min: 0.001, max: 2, noNaN: true }),
        (policy, digits, dp, ticks, allocation, fee, cashShare) => {
          const equity = new Decimal(`${digits}e-${dp}`);
          // The cash is a share of the equity (some of it may be in positions).
          const cash = dec(equity.times(cashShare).toFixed(12));
          const maxAllocation = allocation === undefined ? undefined : dec(allocation);
          const feeRate = dec(fee);
          const price = ethBtc.tickSize.times(ticks);
          const { quantity, passes } = decimalEntry(policy, equity, cash, price, maxAllocation, feeRate);
          const plan = openingSizing({ ...policy, maxAllocation, feeRate });
          expect(plan).toBeDefined();
          const lots = sizeOpeningLots(plan!, {
            equity: BigInt(digits) * 10n ** BigInt(80 - dp),
            equityScale: 80,
            equityDigits: String(digits).replace(/0+$/, '').length,
            cashF: cash.toNumber(),
            ticks,
            tickDp: 8,
            lotDp: 3,
            minLots: 1,
            minNotional: 10n ** 36n,
          });
          if (lots === undefined) return;
          answered++;
          expect(passes).toBe(true);
          expect(ethBtc.lotSize.times(lots).toFixed()).toBe(quantity.toFixed());
        },
      ),
      { numRuns: 5_000 },
    );
    expect(answered).toBeGreaterThan(1_000);
  }, 30_000);

  it('Portfolio.equityCounts is equity() exactly', () => {
    const ltc = new Instrument({
      symbol: 'LTC/BTC',
      base: 'LTC',
      quote: 'BTC',
      tickSize: '0.000001',
      lotSize: '0.01',
    });
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (cashUnits, ethLots, ltcLots, ethTicks, ltcTicks) => {
          const pf = new Portfolio({
            currency: 'BTC',
            cash: new Decimal(`${cashUnits}e-12`),
            instruments: [ethBtc, ltc],
            positions: [
              { symbol: 'ETH/BTC', quantity: ethBtc.lotSize.times(ethLots), averagePrice: dec('0.07') },
              { symbol: 'LTC/BTC', quantity: ltc.lotSize.times(ltcLots), averagePrice: dec('0.002') },
            ],
          });
          const marks = {
            'ETH/BTC': ethBtc.tickSize.times(ethTicks),
            'LTC/BTC': ltc.tickSize.times(ltcTicks),
          };
          const counts = pf.equityCounts((s) => (s === 'ETH/BTC' ? ethTicks : ltcTicks));
          expect(counts).toBeDefined();
          const want = pf.equity(marks).amount;
          expect(new Decimal(`${counts!.units}e-${counts!.scale}`).toFixed()).toBe(want.toFixed());
          expect(counts!.digits).toBeGreaterThanOrEqual(want.precision());
        },
      ),
      { numRuns: 3_000 },
    );
  }, 30_000);

  it('the engine with its float guards gives the verdicts of the decimal checks', () => {
    fc.assert(
      fc.property(
        fc.record({
          maxPositionSizePercent: fc.constantFrom('25', '10', '50'),
          maxCorrelatedExposurePercent: fc.constantFrom('30', '50', '70'),
          maxPositionNotional: fc.option(fc.constantFrom('20', '100'), { nil: undefined }),
        }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0.01, max: 3, noNaN: true }),
        fc.option(fc.double({ min: -40, max: 40, noNaN: true }), { nil: undefined }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.option(fc.constantFrom('30', '45.5'), { nil: undefined }),
        (limits, qty, price, other, correlation, allocation) => {
          const policy: RiskPolicySpec = { ...DEFAULT_RISK_POLICY, ...limits, maxDrawdownPercent: '100' };
          const maxAllocation = allocation === undefined ? undefined : dec(allocation);
          const engine = new RiskEngine(policy, { maxAllocation });
          const equity = dec(100);
          const positions =
            other === undefined ? [] : [{ symbol: 'LTC/BTC', notional: dec(other.toFixed(6)) }];
          const intent = {
            symbol: 'ETH/BTC',
            side: 'BUY' as const,
            quantity: dec(qty).times('0.001'),
            price: dec(price.toFixed(8)),
            position: ZERO,
          };
          const verdict = engine.check(intent, {
            now: 1,
            equity,
            equityFloat: 100,
            positions,
            correlation: () => correlation,
          });
          const resulting = intent.quantity.times(intent.price);
          const want =
            checkOpenPositions(positions.length, true, policy.maxOpenPositions) ??
            checkPositionSize(resulting, equity, {
              maxPositionSizePercent: policy.maxPositionSizePercent,
              maxPositionNotional: policy.maxPositionNotional,
              maxAllocation,
            }) ??
            checkCorrelatedExposure(
              'ETH/BTC',
              1,
              resulting,
              positions.map((p) => ({ ...p, correlation })),
              equity,
              policy.maxCorrelatedExposurePercent,
              0.7,
            );
          expect(verdict).toEqual(want);
        },
      ),
      { numRuns: 5_000 },
    );
  }, 30_000);
});
