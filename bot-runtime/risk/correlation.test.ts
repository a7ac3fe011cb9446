import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCandlesCsv } from '../market-data/index.ts';
import { RollingReturns } from './correlation.ts';

describe('RollingReturns', () => {
  it('is 1 for the same moves, -1 for opposite moves, NaN before 3 returns or for a flat series', () => {
    const r = new RollingReturns(['A/B', 'C/B', 'D/B', 'E/B'], 10);
    expect(r.correlation(0, 1)).toBeNaN();
    const closes = [100, 101, 99, 102, 98, 103, 104];
    for (const c of closes) {
      r.push(0, c);
      r.push(1, c * 3);
      r.push(2, 20_000 / c);
      r.push(3, 5);
    }
    expect(r.correlation(0, 1)).toBeCloseTo(1, 12);
    expect(r.correlation(0, 2)).toBeLessThan(-0.99);
    expect(r.correlation(0, 3)).toBeNaN();
    expect(r.correlation(2, 2)).toBe(1);
    expect(r.index('C/B')).toBe(1);
  });

  it('keeps only the last `window` returns', () => {
    const r = new RollingReturns(['A/B', 'C/B'], 4);
    // Opposite moves first, then identical moves that fill the whole window.
    const a = [10, 11, 10, 11, 10, 12, 11, 13, 12];
    const b = [10, 9, 10, 9, 10, 12, 11, 13, 12];
    for (let i = 0; i < a.length; i++) {
      r.push(0, a[i]!);
      r.push(1, b[i]!);
    }
    expect(r.correlation(0, 1)).toBeGreaterThan(0.99);
  });

  it('finds the BTC-quoted markets of the bundled data positively correlated', () => {
    const dir = join(import.meta.dirname, '../../../shared/data/candles');
    const eth = loadCandlesCsv(join(dir, 'ETH-BTC_5m.csv'), { gaps: 'keep' }).series;
    const ltc = loadCandlesCsv(join(dir, 'LTC-BTC_5m.csv'), { gaps: 'keep' }).series;
    const r = new RollingReturns(['ETH/BTC', 'LTC/BTC'], 500);
    for (let i = 0; i < 2000; i++) {
      r.push(0, eth.close[i]!);
      r.push(1, ltc.close[i]!);
    }
    const c = r.correlation(0, 1);
    expect(c).toBeGreaterThan(0.2);
    expect(c).toBeLessThanOrEqual(1);
  });
});
