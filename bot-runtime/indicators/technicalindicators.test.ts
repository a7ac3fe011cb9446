// Where the `technicalindicators` package (the product's named indicator
// library) agrees with TA-Lib and where it does not, pinned on real candles.
// docs/indicators.md explains each difference; these tests fail if the package
// changes behaviour, so the doc cannot silently go stale.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCandlesCsv } from '../market-data/csv-loader.ts';
import {
  adBatch,
  atrBatch,
  bollingerBatch,
  emaBatch,
  macdBatch,
  mfiBatch,
  obvBatch,
  rsiBatch,
  smaBatch,
  stochasticBatch,
  vwapBatch,
} from './batch.ts';

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: the package's typings do not cover every option used here
const ti = require('technicalindicators') as any;

const s = loadCandlesCsv(join(import.meta.dirname, '../../../shared/data/candles/ETH-BTC_5m.csv')).series;
const close = Array.from(s.close);
const high = Array.from(s.high);
const low = Array.from(s.low);
const volume = Array.from(s.volume);

/** Our defined values (TA-Lib's, by the parity test). */
const defined = (a: Float64Array): number[] => Array.from(a).filter((v) => !Number.isNaN(v));
const maxRel = (a: readonly number[], b: readonly number[]): number =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!) / Math.abs(b[i]!)), 0);

describe('technicalindicators vs TA-Lib (our implementation) on ETH-BTC_5m', () => {
  it('SMA and EMA: identical, same warm-up and SMA seeding', () => {
    expect(ti.SMA.calculate({ values: close, period: 20 })).toEqual(defined(smaBatch(s.close, 20)));
    expect(ti.EMA.calculate({ values: close, period: 20 })).toEqual(defined(emaBatch(s.close, 20)));
  });

  it('RSI: same algorithm, but rounded to 2 decimals', () => {
    const theirs: number[] = ti.RSI.calculate({ values: close, period: 14 });
    const ours = defined(rsiBatch(s.close, 14));
    expect(theirs).toHaveLength(ours.length);
    expect(theirs).toEqual(ours.map((v) => Number.parseFloat(v.toFixed(2))));
    expect(maxRel(theirs, ours)).toBeGreaterThan(1e-9);
  });

  it('RSI of a flat market: 100 in technicalindicators, 0 in TA-Lib', () => {
    const flat = new Array(20).fill(1);
    expect(ti.RSI.calculate({ values: flat, period: 14 })[0]).toBe(100);
    expect(defined(rsiBatch(flat, 14))[0]).toBe(0);
  });

  it('MACD: the fast EMA is seeded on the first closes, not aligned with the slow one, and the line starts before the signal', () => {
    const theirs = ti.MACD.calculate({
      values: close,
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    }) as { MACD: number; signal?: number }[];
    const ours = macdBatch(s.close);
    // The line appears signal-1 candles earlier than TA-Lib's.
    expect(theirs.length - defined(ours.macd).length).toBe(8);
    // Different seeding: far apart at first, converging as the seed decays.
    const firstTheirs = theirs[8]!.MACD;
    const firstOurs = defined(ours.macd)[0]!;
    expect(Math.abs(firstTheirs - firstOurs) / Math.abs(firstOurs)).toBeGreaterThan(0.01);
    const lastTheirs = theirs[theirs.length - 1]!.MACD;
    const lastOurs = defined(ours.macd).at(-1)!;
    expect(Math.abs(lastTheirs - lastOurs) / Math.abs(lastOurs)).toBeLessThan(1e-9);
  });

  it('Bollinger: a two-pass standard deviation, within ~1e-11 of TA-Lib, equal to our "exact" variance', () => {
    const theirs = ti.BollingerBands.calculate({ values: close, period: 20, stdDev: 2 }) as {
      upper: number;
    }[];
    const upper = theirs.map((b) => b.upper);
    const talibLike = defined(bollingerBatch(s.close, 20).upper);
    const exact = defined(bollingerBatch(s.close, 20, { variance: 'exact' }).upper);
    const rel = maxRel(upper, talibLike);
    expect(rel).toBeGreaterThan(0);
    expect(rel).toBeLessThan(1e-10);
    expect(maxRel(upper, exact)).toBeLessThan(1e-15);
  });

  it('Stochastic: %K is the fast (unsmoothed) %K from the first full window; TA-Lib STOCH smooths it', () => {
    const theirs = ti.Stochastic.calculate({ high, low, close, period: 14, signalPeriod: 3 }) as {
      k: number;
      d?: number;
    }[];
    // Fast stochastic = our kSmoothing 1; theirs begins 2 candles before %D exists.
    const fast = stochasticBatch(s.high, s.low, s.close, 14, 1, 3);
    const k = defined(fast.k);
    expect(theirs.length - k.length).toBe(2);
    // Same values, up to the order of operations ((c-l)/(h-l)*100 vs (c-l)/((h-l)/100)).
    const ks = theirs.slice(2).map((x) => x.k);
    expect(ks.reduce((m, v, i) => Math.max(m, Math.abs(v - k[i]!)), 0)).toBeLessThan(1e-12);
  });

  it('ATR: same seeding and smoothing, equal to rounding (1e-14)', () => {
    const theirs: number[] = ti.ATR.calculate({ high, low, close, period: 14 });
    const ours = defined(atrBatch(s.high, s.low, s.close, 14));
    expect(theirs).toHaveLength(ours.length);
    expect(maxRel(theirs, ours)).toBeLessThan(1e-14);
  });

  it('OBV: starts at 0 on the second candle; TA-Lib starts at the first candle volume', () => {
    const theirs: number[] = ti.OBV.calculate({ close, volume });
    const ours = defined(obvBatch(s.close, s.volume));
    expect(theirs).toHaveLength(ours.length - 1);
    for (let i = 0; i < theirs.length; i += 97) expect(theirs[i]! + volume[0]!).toBeCloseTo(ours[i + 1]!, 6);
  });

  it('MFI: an unchanged typical price counts as negative flow, results rounded to 2 decimals, one value fewer', () => {
    const theirs: number[] = ti.MFI.calculate({ high, low, close, volume, period: 14 });
    const ours = defined(mfiBatch(s.high, s.low, s.close, s.volume, 14));
    expect(theirs).toHaveLength(ours.length - 1);
    expect(theirs.every((v) => Number.parseFloat(v.toFixed(2)) === v)).toBe(true);
    // Typical prices 1, 2, 2, 3, 4: TA-Lib sees only rising flow (MFI 100); technicalindicators counts the flat step as falling.
    const tp = [1, 2, 2, 3, 4, 5];
    const flat = ti.MFI.calculate({
      high: tp,
      low: tp,
      close: tp,
      volume: tp.map(() => 1),
      period: 3,
    }) as number[];
    expect(defined(mfiBatch(tp, tp, tp, [1, 1, 1, 1, 1, 1], 3))).toEqual([100, 100, 100]);
    expect(Math.min(...flat)).toBeLessThan(100);
  });

  it('VWAP (cumulative; TA-Lib has none): identical to ours with period 0', () => {
    const theirs: number[] = ti.VWAP.calculate({ high, low, close, volume });
    expect(theirs).toEqual(defined(vwapBatch(s.high, s.low, s.close, s.volume)));
  });

  it('A/D line: rounded to whole units', () => {
    const theirs: number[] = ti.ADL.calculate({ high, low, close, volume });
    const ours = defined(adBatch(s.high, s.low, s.close, s.volume));
    expect(theirs).toHaveLength(ours.length);
    expect(theirs.every((v) => Number.isInteger(v))).toBe(true);
    expect(Number.isInteger(ours[0])).toBe(false);
  });
});
