// onBarAt (the candle in a column) answers what onBar answers, candle for candle.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCandlesCsv } from '../market-data/index.ts';
import { createStrategy } from './registry.ts';

const CANDLES = join(import.meta.dirname, '../../../shared/data/candles');
const eth = loadCandlesCsv(join(CANDLES, 'ETH-BTC_5m.csv'), { gaps: 'keep' }).series;

describe('Strategy.onBarAt', () => {
  it.each([
    ['rsi', { rsi: { period: 14, oversold: 30, overbought: 70 } }],
    ['macd', { macd: {} }],
    ['bollinger', { bollinger: {} }],
    ['stochastic', { stochastic: {} }],
    ['volume', { volume: {} }],
  ])('%s: the same signals as onBar on the real candles', (type, params) => {
    const spec = { name: type, type, ...params } as Parameters<typeof createStrategy>[0];
    const byArgs = createStrategy(spec, 0);
    const byColumn = createStrategy(spec, 0);
    expect(byColumn.onBarAt).toBeDefined();
    byArgs.onStart();
    byColumn.onStart();
    const bar = new Float64Array(6);
    const n = Math.min(eth.length, 30_000);
    let signals = 0;
    for (let i = 0; i < n; i++) {
      const candle = [
        eth.time[i]!,
        eth.open[i]!,
        eth.high[i]!,
        eth.low[i]!,
        eth.close[i]!,
        eth.volume[i]!,
      ] as const;
      bar.set(candle);
      const a = byArgs.onBar(...candle);
      expect(byColumn.onBarAt!(bar)).toBe(a);
      if (a !== 0) signals++;
    }
    expect(signals).toBeGreaterThan(0);
  });
});
