import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Candle, candleAt, seriesFromCandles } from './candle.ts';
import { loadCandlesCsv } from './csv-loader.ts';
import { CandleAggregator, resample } from './resample.ts';

const CANDLES = join(import.meta.dirname, '../../../shared/data/candles');
const M1 = 60_000;
const M5 = 300_000;
const M30 = 1_800_000;

describe('resample', () => {
  it('aggregates OHLCV into epoch-aligned buckets', () => {
    const s = seriesFromCandles(
      [
        { t: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 1 },
        { t: M1, open: 1.5, high: 3, low: 1, close: 2, volume: 2 },
        { t: 4 * M1, open: 2, high: 2.5, low: 0.25, close: 2.2, volume: 3 },
        { t: 5 * M1, open: 2.2, high: 2.3, low: 2.1, close: 2.15, volume: 4 },
      ],
      M1,
    );
    const r = resample(s, M5);
    expect(r.timeframeMs).toBe(M5);
    expect([0, 1].map((i) => candleAt(r, i))).toEqual([
      { t: 0, open: 1, high: 3, low: 0.25, close: 2.2, volume: 6 },
      { t: M5, open: 2.2, high: 2.3, low: 2.1, close: 2.15, volume: 4 },
    ]);
    expect(resample(s, M5, { incomplete: 'drop' }).length).toBe(0);
  });

  it('refuses a target that is not a multiple of the source', () => {
    const s = seriesFromCandles([], M5);
    expect(() => resample(s, 7 * M1)).toThrow(/whole multiple of the source timeframe/);
  });

  it.each([
    ['UNITTEST-BTC_1m.csv', M30],
    ['ETH-BTC_5m.csv', 3_600_000],
    ['ADA-BTC_5m.csv', 86_400_000],
  ])('resamples the real %s (gaps included) like a naive group-by of the rows', (file, target) => {
    const src = loadCandlesCsv(join(CANDLES, file), { gaps: 'keep' }).series;
    const groups = new Map<number, Candle[]>();
    for (let i = 0; i < src.length; i++) {
      const c = candleAt(src, i);
      const key = c.t - (c.t % target);
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    const r = resample(src, target);
    expect(r.length).toBe(groups.size);
    let i = 0;
    for (const [t, cs] of groups) {
      expect(candleAt(r, i++)).toEqual({
        t,
        open: cs[0]!.open,
        high: Math.max(...cs.map((c) => c.high)),
        low: Math.min(...cs.map((c) => c.low)),
        close: cs.at(-1)!.close,
        volume: cs.reduce((v, c) => v + c.volume, 0),
      });
    }
  });

  it('property: the live aggregator gives the same candles as the batch resampler', () => {
    const m5 = loadCandlesCsv(join(CANDLES, 'ETH-BTC_5m.csv')).series;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: m5.length - 200 }),
        fc.constantFrom(2, 3, 6, 12, 288),
        (start, k) => {
          const slice = seriesFromCandles(
            Array.from({ length: 200 }, (_, j) => candleAt(m5, start + j)),
            M5,
          );
          const batch = resample(slice, k * M5);
          const agg = new CandleAggregator(M5, k * M5);
          const live: Candle[] = [];
          for (let i = 0; i < slice.length; i++) {
            const done = agg.update(candleAt(slice, i));
            if (done) live.push(done);
          }
          const last = agg.flush();
          if (last) live.push(last);
          expect(live).toEqual(Array.from({ length: batch.length }, (_, i) => candleAt(batch, i)));
        },
      ),
      { numRuns: 50 },
    );
  });
});
