import { describe, expect, it } from 'vitest';
import {
  averageDuration,
  cagr,
  calmar,
  DAY_MS,
  dailyReturns,
  drawdown,
  expectancy,
  expectancyRatio,
  exposure,
  monthlyReturns,
  profitFactor,
  sharpe,
  sortino,
  totalReturn,
  winRate,
  YEAR_MS,
} from './metrics.ts';

describe('metrics, against hand-computed values', () => {
  it('total return and CAGR', () => {
    expect(totalReturn(100, 121)).toBeCloseTo(0.21, 12);
    // 100 -> 121 over two years is 10 % a year.
    expect(cagr(100, 121, 2 * YEAR_MS)).toBeCloseTo(0.1, 12);
    // Half a year of +10 % compounds to 21 % a year.
    expect(cagr(100, 110, YEAR_MS / 2)).toBeCloseTo(0.21, 12);
    expect(cagr(100, 0, YEAR_MS)).toBe(-1);
    expect(cagr(100, 110, 0)).toBeNull();
  });

  it('daily returns take the last point of each UTC day; a point at 00:00 closes the day before', () => {
    const d0 = Date.UTC(2018, 0, 10);
    const times = [d0 + 3_600_000, d0 + DAY_MS, d0 + DAY_MS + 60_000, d0 + 2 * DAY_MS, d0 + 4 * DAY_MS];
    const equity = [101, 110, 99, 121, 133.1];
    const r = dailyReturns(times, equity, 100);
    // Day 1 ends at 110 (+10 %), day 2 at 121 (+10 %), day 3 has no point (0 %), day 4 ends at 133.1 (+10 %).
    expect(r.map((x) => Number(x.toFixed(12)))).toEqual([0.1, 0.1, 0, 0.1]);
  });

  it('Sharpe: mean / sample sd * sqrt(365)', () => {
    // mean 0.01, sample sd of [0.02, 0, 0.01] = 0.01.
    expect(sharpe([0.02, 0, 0.01])).toBeCloseTo(Math.sqrt(365), 10);
    expect(sharpe([0.01, 0.01])).toBeNull();
    expect(sharpe([0.01])).toBeNull();
  });

  it('Sortino: mean / downside deviation * sqrt(365)', () => {
    // mean (0.03 - 0.01 + 0.01 - 0.01) / 4 = 0.005; downside sqrt((0.0001 + 0.0001) / 4) = 0.00707107.
    expect(sortino([0.03, -0.01, 0.01, -0.01])).toBeCloseTo(
      (0.005 / Math.sqrt(0.0002 / 4)) * Math.sqrt(365),
      10,
    );
    expect(sortino([0.01, 0.02])).toBeNull();
  });

  it('drawdown: depth, peak, trough, recovery and durations', () => {
    const t = [0, 1, 2, 3, 4, 5, 6, 7].map((x) => x * 1000);
    const e = [100, 120, 90, 100, 120, 130, 117, 125];
    const d = drawdown(t, e);
    expect(d.maxDrawdown).toBeCloseTo(0.25, 12); // 120 -> 90
    expect(d).toMatchObject({ peakTime: 1000, troughTime: 2000, recoveryTime: 4000, durationMs: 3000 });
    // Below a peak from 1 s to 4 s (3 s), and from 5 s to the end at 7 s (2 s).
    expect(d.longestDurationMs).toBe(3000);
    const never = drawdown([0, 1000, 5000], [100, 80, 90]);
    expect(never).toMatchObject({
      maxDrawdown: 0.2,
      recoveryTime: null,
      durationMs: 5000,
      longestDurationMs: 5000,
    });
    expect(drawdown([0, 1], [1, 2]).maxDrawdown).toBe(0);
  });

  it('Calmar: CAGR over max drawdown', () => {
    expect(calmar(0.3, 0.15)).toBeCloseTo(2, 12);
    expect(calmar(0.3, 0)).toBeNull();
    expect(calmar(null, 0.1)).toBeNull();
  });

  it('trade statistics', () => {
    const pnls = [10, -5, 20, -5, 0];
    expect(profitFactor(pnls)).toBe(3); // 30 / 10
    expect(profitFactor([1, 2])).toBeNull();
    expect(winRate(pnls)).toBe(0.4);
    expect(winRate([])).toBeNull();
    expect(expectancy(pnls)).toBe(4);
    // avg win 15, avg loss 5, win rate 0.4: (1 + 3) * 0.4 - 1 = 0.6.
    expect(expectancyRatio(pnls)).toBeCloseTo(0.6, 12);
    expect(
      averageDuration([
        { entryTime: 0, exitTime: 10 },
        { entryTime: 5, exitTime: 35 },
      ]),
    ).toBe(20);
    expect(averageDuration([])).toBeNull();
  });

  it('exposure merges overlapping positions and clips to the period', () => {
    expect(
      exposure(
        [
          [0, 10],
          [5, 20],
          [30, 40],
          [90, 200],
        ],
        0,
        100,
      ),
    ).toBeCloseTo(0.4, 12);
    expect(exposure([], 0, 100)).toBe(0);
  });

  it('monthly returns chain month-end equities (a point at 00:00 on the 1st closes the month before)', () => {
    const t = [Date.UTC(2018, 0, 20), Date.UTC(2018, 0, 31, 12), Date.UTC(2018, 1, 1), Date.UTC(2018, 1, 15)];
    const m = monthlyReturns(t, [105, 110, 99, 121], 100);
    expect(m.map((x) => x.month)).toEqual(['2018-01', '2018-02']);
    expect(m[0]!.return).toBeCloseTo(-0.01, 12); // January ends at 99
    expect(m[1]!.return).toBeCloseTo(121 / 99 - 1, 12);
  });
});
