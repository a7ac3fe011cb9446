import { describe, expect, it } from 'vitest';
import {
  CandleSeriesBuilder,
  candleAt,
  formatTimeframe,
  parseTimeframe,
  seriesFromCandles,
} from './candle.ts';
import { findGaps } from './gaps.ts';

describe('candles', () => {
  it('builds columnar series past the initial capacity', () => {
    const b = new CandleSeriesBuilder('mem', 60_000, 2);
    for (let i = 0; i < 100; i++) b.push(i * 60_000, i + 1, i + 2, i + 0.5, i + 1.5, i);
    const s = b.build();
    expect(s.length).toBe(100);
    expect(s.time).toHaveLength(100);
    expect(candleAt(s, 99)).toEqual({
      t: 99 * 60_000,
      open: 100,
      high: 101,
      low: 99.5,
      close: 100.5,
      volume: 99,
    });
    expect(() => candleAt(s, 100)).toThrow(RangeError);
  });

  it('round-trips candles through a series', () => {
    const candles = [
      { t: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 },
      { t: 60_000, open: 1.5, high: 2.5, low: 1, close: 2, volume: 4 },
    ];
    const s = seriesFromCandles(candles, 60_000);
    expect([0, 1].map((i) => candleAt(s, i))).toEqual(candles);
  });

  it('parses and formats timeframes', () => {
    expect(parseTimeframe('1m')).toBe(60_000);
    expect(parseTimeframe('4h')).toBe(14_400_000);
    expect(parseTimeframe('1w')).toBe(604_800_000);
    for (const bad of ['', '5', 'm', '0m', '1M', '1.5h', '-1m'])
      expect(() => parseTimeframe(bad)).toThrow(/invalid timeframe/);
    expect(formatTimeframe(300_000)).toBe('5m');
    expect(formatTimeframe(86_400_000)).toBe('1d');
    expect(formatTimeframe(1_500)).toBe('1500ms');
  });

  it('finds gaps in a loaded series', () => {
    const time = new Float64Array([0, 60_000, 240_000, 300_000, 420_000]);
    expect(findGaps(time, 60_000)).toEqual([
      { line: 2, from: 120_000, to: 240_000, missing: 2 },
      { line: 4, from: 360_000, to: 420_000, missing: 1 },
    ]);
  });
});
