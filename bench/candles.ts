// Benchmark input: millions of 5m candles built from the real ETH/BTC candles
// by a seeded block bootstrap of their shapes. Each block of 288 candles (one
// day) is copied from a random place in the real file, as ratios to the
// previous close (open, high, low, close) plus its volume, so the series keeps
// the real data's volatility clustering, wicks, gaps and volume profile. Each
// block is detrended (its own drift taken out, spread evenly over its candles)
// so that millions of candles do not compound into an absurd price.
import { join } from 'node:path';
import { type CandleSeries, loadCandlesCsv } from '../bot-runtime/market-data/index.ts';
import { Prng } from '../bot-runtime/venue/paper/prng.ts';

export const REAL_CANDLES = join(import.meta.dirname, '../../shared/data/candles/ETH-BTC_5m.csv');

export function bootstrapCandles(n: number, seed = 42, source = REAL_CANDLES): CandleSeries {
  const real = loadCandlesCsv(source, { gaps: 'fill' }).series;
  const tf = real.timeframeMs;
  const block = 288;
  const prng = new Prng(seed);
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let prev = real.close[0]!;
  const t0 = real.time[0]!;
  let j = 1;
  let left = 0;
  let detrend = 1;
  for (let i = 0; i < n; i++) {
    if (left === 0) {
      j = 1 + Math.floor(prng.next() * (real.length - block - 1));
      left = block;
      detrend = (real.close[j - 1]! / real.close[j + block - 1]!) ** (1 / block);
    }
    const base = real.close[j - 1]!;
    const scale = (prev / base) * detrend;
    time[i] = t0 + i * tf;
    open[i] = real.open[j]! * scale;
    high[i] = real.high[j]! * scale;
    low[i] = real.low[j]! * scale;
    close[i] = real.close[j]! * scale;
    volume[i] = real.volume[j]!;
    prev = close[i]!;
    j++;
    left--;
  }
  return {
    source: `bootstrap(${source}, n=${n}, seed=${seed})`,
    timeframeMs: tf,
    length: n,
    time,
    open,
    high,
    low,
    close,
    volume,
  };
}
