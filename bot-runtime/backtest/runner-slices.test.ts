// A backtest longer than one progress slice (65,536 candles): the runner steps
// one market a slice at a time (Kernel.stepRange), and every candle must be
// stepped once, in order, exactly as `step` steps it one candle at a time.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tradingBotSpec } from '../../crds/index.ts';
import { type CandleSeries, loadCandlesCsv } from '../market-data/index.ts';
import { buildKernel, runBacktest } from './runner.ts';

const CANDLES = join(import.meta.dirname, '../../../shared/data/candles');

/** The real ETH/BTC 5m candles `copies` times over, each copy's times after the last one's. */
function repeatedCandles(copies: number): CandleSeries {
  const one = loadCandlesCsv(join(CANDLES, 'ETH-BTC_5m.csv'), { gaps: 'fill' }).series;
  const n = one.length * copies;
  const span = one.time[one.length - 1]! - one.time[0]! + one.timeframeMs;
  const columns = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let c = 0; c < copies; c++) {
    const at = c * one.length;
    for (let i = 0; i < one.length; i++) columns.time[at + i] = one.time[i]! + c * span;
    columns.open.set(one.open, at);
    columns.high.set(one.high, at);
    columns.low.set(one.low, at);
    columns.close.set(one.close, at);
    columns.volume.set(one.volume, at);
  }
  return { source: 'ETH-BTC repeated', timeframeMs: one.timeframeMs, length: n, ...columns };
}

const bot = tradingBotSpec(
  {
    exchange: { name: 'binance' },
    symbols: ['ETH/BTC'],
    timeframe: '5m',
    capital: { amount: '1', currency: 'BTC' },
    strategies: [{ name: 'rsi', type: 'rsi', rsi: { period: 9, oversold: 35, overbought: 65 } }],
  },
  'slices',
);

describe('a backtest over several progress slices', () => {
  const series = repeatedCandles(26);
  const markets = [{ symbol: 'ETH/BTC', series }];

  it('steps every candle once, as step does one at a time, and reports progress after each slice', () => {
    const progress: [number, number][] = [];
    const sliced = runBacktest({ bot, markets, onProgress: (done, total) => progress.push([done, total]) });

    const { kernel } = buildKernel({ bot, markets });
    kernel.onStart();
    const { time, open, high, low, close, volume } = series;
    for (let i = 0; i < series.length; i++)
      kernel.step(0, time[i]!, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!);
    kernel.onStop();

    expect(series.length).toBeGreaterThan(2 * 65_536);
    expect(sliced.kernel.candles).toBe(series.length);
    expect(sliced.kernel.trades.length).toBeGreaterThan(100);
    expect(sliced.kernel.fills).toEqual(kernel.fills);
    expect(sliced.kernel.trades).toEqual(kernel.trades);
    expect(sliced.kernel.equity.values).toEqual(kernel.equity.values);
    expect(sliced.kernel.equity.times).toEqual(kernel.equity.times);
    expect(progress).toEqual([
      [65_536, series.length],
      [131_072, series.length],
      [series.length, series.length],
    ]);
  });
});
