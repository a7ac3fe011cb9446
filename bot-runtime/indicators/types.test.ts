// The classes fit the interfaces strategies use (a compile-time check that
// vitest also runs): an indicator can be swapped for another of its shape.
import { describe, expect, it } from 'vitest';
import { Atr } from './atr.ts';
import { Bollinger } from './bollinger.ts';
import { Ema } from './ema.ts';
import { Macd } from './macd.ts';
import { Mfi } from './mfi.ts';
import { Rsi } from './rsi.ts';
import { Sma } from './sma.ts';
import { Stochastic } from './stochastic.ts';
import type { RangeIndicator, SeriesIndicator, VolumeIndicator } from './types.ts';
import { AccumulationDistribution } from './volume.ts';

describe('indicator shapes', () => {
  it('each series indicator warms up after exactly `warmup` inputs', () => {
    const series: SeriesIndicator[] = [
      new Rsi(5),
      new Sma(5),
      new Ema(5),
      new Macd(3, 6, 4),
      new Bollinger(5),
    ];
    for (const ind of series) {
      let first = -1;
      for (let i = 0; i < 50; i++) {
        if (!Number.isNaN(ind.update(100 + Math.sin(i) * 3)) && first < 0) first = i;
      }
      expect(first + 1).toBe(ind.warmup);
    }
    const ranges: RangeIndicator[] = [new Stochastic(5, 3, 3), new Atr(5)];
    const volumes: VolumeIndicator[] = [new Mfi(5), new AccumulationDistribution()];
    for (const ind of ranges) {
      let first = -1;
      for (let i = 0; i < 50; i++) {
        const c = 100 + Math.sin(i) * 3;
        if (!Number.isNaN(ind.update(c + 1, c - 1, c)) && first < 0) first = i;
      }
      expect(first + 1).toBe(ind.warmup);
    }
    for (const ind of volumes) {
      let first = -1;
      for (let i = 0; i < 50; i++) {
        const c = 100 + Math.sin(i) * 3;
        if (!Number.isNaN(ind.update(c + 1, c - 1, c, 10)) && first < 0) first = i;
      }
      expect(first + 1).toBe(ind.warmup);
    }
  });
});
