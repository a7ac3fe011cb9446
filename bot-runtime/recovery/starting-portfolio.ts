// Where a restarted executor's kernel starts when the candles it had seen will
// not come again (a live feed; between pods, the feed goes on without it): the
// cash and open positions the ledger's fills add up to, folded by the same
// Portfolio the kernel books with, so the seeded kernel holds exactly what the
// ledger says, fees included.
import { type Decimal, type Instrument, Portfolio, type PositionSeed } from '../domain/index.ts';
import { fillFromRecord, type StoredFill } from '../store/records.ts';

export interface LedgerPortfolio {
  /** Cash held now: the capital, less what the fills bought and their fees, plus what they sold. */
  readonly cash: Decimal;
  /** Every symbol that has fills, flat ones too (they keep their realised PnL). */
  readonly positions: readonly PositionSeed[];
  /** Time of the latest fill (-Infinity without fills): the kernel must not step a candle at or before it again. */
  readonly lastFillTs: number;
}

export function portfolioFromFills(
  fills: readonly StoredFill[],
  capital: Decimal,
  instruments: readonly Instrument[],
): LedgerPortfolio {
  const currency = instruments[0]!.quote;
  const portfolio = new Portfolio({ currency, cash: capital, instruments });
  const symbols = new Set<string>();
  let lastFillTs = Number.NEGATIVE_INFINITY;
  for (const fill of [...fills].sort((a, b) => a.seq - b.seq)) {
    portfolio.applyFill(fillFromRecord(fill));
    symbols.add(fill.symbol);
    lastFillTs = Math.max(lastFillTs, fill.ts);
  }
  return {
    cash: portfolio.amount(currency),
    positions: [...symbols].map((symbol) => {
      const p = portfolio.position(symbol);
      return {
        symbol,
        quantity: p.quantity,
        averagePrice: p.averagePrice,
        realizedPnl: p.realizedPnl.amount,
      };
    }),
    lastFillTs,
  };
}
