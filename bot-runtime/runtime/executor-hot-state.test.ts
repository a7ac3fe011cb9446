// The executor's hot state besides positions (the fill applier's): the
// latest price of each market and the risk state, as another pod or a tool
// reads them from Redis (here the in-memory hot state of `botcore run`).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { candleAt } from '../market-data/index.ts';
import { MemoryHotState } from '../store/memory-hot-state.ts';
import { demoExecutor } from './demo-executor.ts';

/** Lets the writers' promises run (the memory hot state answers at once). */
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await nextTurn();
};

describe('Executor hot state', () => {
  it('writes the close of every candle it sees as the latest price, and the risk state when it changes', async () => {
    const hot = new MemoryHotState();
    const demo = await demoExecutor({ hot });
    const { executor, bus, series } = demo;
    try {
      await executor.recover();
      await executor.start();
      await turns();
      expect(await hot.riskState()).toMatchObject({ state: 'Active' });

      // Candles on the bus (no strategy answers them, so none is stepped): the price follows the feed.
      for (let i = 0; i < 20; i++)
        bus.publishMarketData({ symbol: 'ETH/BTC', timeframe: '5m', candle: candleAt(series, i) });
      executor.setHalt(true, 'desk closed');
      await turns();
      expect(await hot.riskState()).toMatchObject({ state: 'Halted', reason: 'desk closed' });

      // A change the kernel makes itself reaches the hot state with the next step.
      executor.kernel.risk.setHalt(false);
      expect(await hot.riskState()).toMatchObject({ state: 'Halted' });
      await demo.next();
      await turns();
      expect(await hot.riskState()).toMatchObject({ state: 'Active' });
      expect((await hot.riskState())?.reason).toBeUndefined();
    } finally {
      // Stopping writes what waits: the prices flush every 250 ms otherwise.
      await demo.close();
    }
    const last = candleAt(series, 19);
    const prices = await hot.prices(['ETH/BTC']);
    expect(prices.get('ETH/BTC')).toEqual({ symbol: 'ETH/BTC', price: String(last.close), ts: last.t });
  });
});
