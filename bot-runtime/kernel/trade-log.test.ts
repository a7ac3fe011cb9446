// The trade log's records against the records a close makes of the same trades.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../domain/index.ts';
import { OpenTrade } from './open-trade.ts';
import { addFills, type FillSpec, fillSpecArb, grids } from './open-trade-arbitraries.ts';
import { TradeLog } from './trade-log.ts';

const tradeArb = fc.record({
  k: fc.integer({ min: 0, max: grids.length - 1 }),
  fills: fc.array(fillSpecArb, { minLength: 2, maxLength: 8 }),
  stopLoss: fc.boolean(),
  entryTime: fc.integer({ min: 0, max: 2 ** 42 }),
  hold: fc.integer({ min: 0, max: 10 ** 9 }),
  // Read the log after this trade (the records made so far, then the rest).
  read: fc.boolean(),
});

/** An open trade with `fills` added as the kernel adds them. */
function openTrade(k: number, fills: FillSpec[], strategies: readonly string[]): OpenTrade {
  const trade = new OpenTrade(strategies, 0);
  addFills(trade, grids[k]!, fills);
  return trade;
}

describe('TradeLog', () => {
  it('reads back the records and PnL signs a close makes, keys in order, read between closes or not', () => {
    const symbols = grids.map((g) => g.instrument.symbol);
    const lists = symbols.map((s) => [s.toLowerCase()]);
    fc.assert(
      fc.property(fc.array(tradeArb, { minLength: 1, maxLength: 12 }), (trades) => {
        const log = new TradeLog(symbols);
        const want = [];
        let read = log.trades();
        for (const t of trades) {
          const trade = openTrade(t.k, t.fills, lists[t.k]!);
          trade.entryTime = t.entryTime;
          if (t.stopLoss) trade.exitReason = 'stopLoss';
          const exitTime = t.entryTime + t.hold;
          const closed = trade.close(symbols[t.k]!, exitTime);
          expect(log.add(trade, t.k, exitTime)).toBe(closed.pnl);
          want.push(closed.record);
          if (t.read) read = log.trades();
        }
        expect(log.length).toBe(trades.length);
        // The same list, extended in place.
        expect(log.trades()).toBe(read);
        expect(JSON.stringify(read)).toBe(JSON.stringify(want));
        expect(read).toStrictEqual(want);
        for (let i = 0; i < read.length; i++) expect(read[i]!.strategies).toBe(want[i]!.strategies);
      }),
      { numRuns: 2_000 },
    );
  }, 60_000);

  it('keeps a trade whose sums left the safe counts as the close made it', () => {
    const log = new TradeLog(['XX/YY']);
    const trade = new OpenTrade(['s'], 5, dec('1.5'), dec('0.1234567890123456789012345'));
    trade.proceeds.plus(dec('0.2'));
    trade.sold.plus(dec('1.5'));
    const closed = trade.close('XX/YY', 9);
    expect(log.add(trade, 0, 9)).toBe(closed.pnl);
    expect(log.trades()).toStrictEqual([closed.record]);
  });
});
