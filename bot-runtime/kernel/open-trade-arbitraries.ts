// What the open-trade and trade-log property tests share: grids, fills drawn as
// counts of ticks and lots, and an OpenTrade fed with them the way the kernel
// feeds it (in counts where the grid and the fill allow, else in decimals).
import fc from 'fast-check';
import { type Decimal, Instrument } from '../domain/index.ts';
import { Grid } from '../venue/grid.ts';
import type { OpenTrade } from './open-trade.ts';

/** Two power-of-ten grids and one off them (whose sums stay in decimals). */
export const grids: readonly Grid[] = [
  new Grid(
    new Instrument({
      symbol: 'ETH/BTC',
      base: 'ETH',
      quote: 'BTC',
      tickSize: '0.00000001',
      lotSize: '0.00000001',
    }),
  ),
  new Grid(
    new Instrument({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001' }),
  ),
  new Grid(new Instrument({ symbol: 'XX/YY', base: 'XX', quote: 'YY', tickSize: '0.05', lotSize: '0.25' })),
];

export interface FillSpec {
  buy: boolean;
  lots: number;
  ticks: number;
  feeBps: number;
  /** Whether the kernel has the fill as counts (else only as decimals). */
  counted: boolean;
}

export const fillSpecArb: fc.Arbitrary<FillSpec> = fc.record({
  buy: fc.boolean(),
  // Small counts, and counts whose products leave the safe integers (BigInt sums).
  lots: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 2 ** 40 })),
  ticks: fc.oneof(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 2 ** 40 })),
  feeBps: fc.integer({ min: 0, max: 30 }),
  counted: fc.boolean(),
});

/** A fill as the decimal formulas see it. */
export interface AddedFill {
  readonly buy: boolean;
  readonly qty: Decimal;
  readonly px: Decimal;
  readonly fee: Decimal;
}

/** Adds `fills` to `trade` (the first made a buy, the second a sell: a round trip); their decimals, in order. */
export function addFills(trade: OpenTrade, grid: Grid, fills: FillSpec[]): AddedFill[] {
  const inst = grid.instrument;
  const tickDp = inst.tickSize.decimalPlaces();
  const lotDp = inst.lotSize.decimalPlaces();
  fills[0]!.buy = true;
  fills[1]!.buy = false;
  return fills.map((f) => {
    const qty = inst.lotSize.times(f.lots);
    const px = inst.tickSize.times(f.ticks);
    const fee = px.times(qty).times(f.feeBps).times('0.0001');
    const counted = f.counted && grid.tickPlaces !== undefined && grid.lotPlaces !== undefined;
    trade.add(
      f.buy,
      qty,
      px,
      counted ? f.lots : Number.NaN,
      lotDp,
      counted ? f.ticks : Number.NaN,
      tickDp,
      fee,
    );
    return { buy: f.buy, qty, px, fee };
  });
}
