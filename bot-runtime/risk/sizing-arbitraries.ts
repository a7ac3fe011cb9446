// What the entry-sizing property tests share: one instrument, the policies,
// allocations and fees they draw, and the decimal entry (sizePosition, then
// floorQuantity, then the venue's minimums) that the count paths stand in for.
import fc from 'fast-check';
import { type Decimal, Instrument, ZERO } from '../domain/index.ts';
import { floorQuantity, sizePosition } from './sizing.ts';

export const ethBtc = new Instrument({
  symbol: 'ETH/BTC',
  base: 'ETH',
  quote: 'BTC',
  tickSize: '0.00000001',
  lotSize: '0.001',
  minNotional: '0.0001',
});

export interface SizingPolicy {
  riskPerTradePercent: string;
  stopLossPercent: string;
  maxPositionSizePercent: string;
  maxPositionNotional: string | undefined;
}

export const policies: fc.Arbitrary<SizingPolicy> = fc.record({
  riskPerTradePercent: fc.constantFrom('2', '0.5', '1', '3'),
  stopLossPercent: fc.constantFrom('2', '3', '0.7'),
  maxPositionSizePercent: fc.constantFrom('25', '10', '100', '33.3'),
  maxPositionNotional: fc.option(fc.constantFrom('0.3', '5', '1000'), { nil: undefined }),
});

export const allocations = fc.option(fc.constantFrom('0.5', '2', '0.123456789'), { nil: undefined });
export const fees = fc.constantFrom('0.0025', '0.002', '0.01');

/** The decimal path's opening quantity at `price`, and whether the venue's minimums let it through. */
export function decimalEntry(
  policy: SizingPolicy,
  equity: Decimal,
  cash: Decimal,
  price: Decimal,
  maxAllocation: Decimal | undefined,
  feeRate: Decimal,
): { quantity: Decimal; passes: boolean } {
  const sized = sizePosition({
    equity,
    cash,
    currentNotional: ZERO,
    ...policy,
    maxAllocation,
    feeRate,
  });
  const quantity = floorQuantity(sized.notional, price, ethBtc.lotSize);
  const passes =
    !quantity.isZero() &&
    quantity.gte(ethBtc.minQuantity) &&
    quantity.times(price).gte(ethBtc.minNotional.amount);
  return { quantity, passes };
}
