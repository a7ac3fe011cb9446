// The HotState contract: in memory (unit) and Redis (integration).
import { afterEach, describe, expect, it } from 'vitest';
import type { HotState, HotStateOptions } from '../../../bot-runtime/store/hot-state.ts';
import type { PositionSnapshot } from '../../../bot-runtime/store/records.ts';
import { eventually } from '../../support/eventually.ts';

export interface HotStateFixture {
  readonly hot: HotState;
  close(): Promise<void>;
}

const position = (symbol: string, fillSeq: number, quantity: string): PositionSnapshot => ({
  symbol,
  quote: 'BTC',
  quantity,
  averagePrice: '0.0512345678901234',
  realizedPnl: '-0.000000001',
  boughtQuantity: quantity,
  soldQuantity: '0',
  fillCount: fillSeq,
  fillSeq,
  ts: 1_700_000_000_000 + fillSeq,
});

export function hotStateContract(
  name: string,
  make: (options: HotStateOptions) => Promise<HotStateFixture>,
): void {
  describe(`HotState contract: ${name}`, () => {
    let fixture: HotStateFixture | undefined;
    const open = async (options: HotStateOptions = {}) => {
      fixture = await make(options);
      return fixture.hot;
    };
    afterEach(async () => {
      await fixture?.close();
      fixture = undefined;
    });

    it('keeps the latest price of each symbol', async () => {
      const hot = await open();
      await hot.setPrices([
        { symbol: 'ETHBTC', price: '0.05', ts: 1 },
        { symbol: 'LTCBTC', price: '0.0161', ts: 1 },
      ]);
      await hot.setPrices([{ symbol: 'ETHBTC', price: '0.0512345678901234567', ts: 2 }]);
      const prices = await hot.prices(['ETHBTC', 'LTCBTC', 'XRPBTC']);
      expect([...prices.keys()].sort()).toEqual(['ETHBTC', 'LTCBTC']);
      expect(prices.get('ETHBTC')).toEqual({ symbol: 'ETHBTC', price: '0.0512345678901234567', ts: 2 });
    });

    it('forgets a price after its TTL', async () => {
      const hot = await open({ priceTtlMs: 50 });
      await hot.setPrices([{ symbol: 'ETHBTC', price: '0.05', ts: 1 }]);
      await eventually(async () => ((await hot.prices(['ETHBTC'])).size === 0 ? true : undefined), 'expiry');
      expect(await hot.prices(['ETHBTC'])).toEqual(new Map());
    });

    it('moves a position only to a newer fill seq, and replaces the whole set after recovery', async () => {
      const hot = await open();
      await hot.setPositions([position('ETHBTC', 4, '1'), position('LTCBTC', 2, '3')]);
      await hot.setPositions([position('ETHBTC', 3, '9'), position('LTCBTC', 5, '2.5')]);
      expect(await hot.positions()).toEqual([position('ETHBTC', 4, '1'), position('LTCBTC', 5, '2.5')]);
      await hot.replacePositions([position('XRPBTC', 1, '10')]);
      expect(await hot.positions()).toEqual([position('XRPBTC', 1, '10')]);
      await hot.replacePositions([]);
      expect(await hot.positions()).toEqual([]);
    });

    it('stores the risk state', async () => {
      const hot = await open();
      expect(await hot.riskState()).toBeUndefined();
      const state = { state: 'Halted' as const, reason: 'daily loss 5.2 %', dailyLossPercent: '5.2', ts: 9 };
      await hot.setRiskState(state);
      expect(await hot.riskState()).toEqual(state);
      await hot.ping();
    });
  });
}
