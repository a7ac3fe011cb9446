// Incremental (live) and batch (backtest) forms give identical values: the
// live path feeds candles one at a time as objects, the way a feed delivers
// them; the batch path walks the Float64Array columns.
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CandleSeries, candleAt } from '../market-data/candle.ts';
import { loadCandlesCsv } from '../market-data/csv-loader.ts';
import { Atr } from './atr.ts';
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
} from './batch.ts';
import { Bollinger } from './bollinger.ts';
import { Ema } from './ema.ts';
import { Macd } from './macd.ts';
import { Mfi } from './mfi.ts';
import { RollingMax, RollingMin } from './rolling-extreme.ts';
import { Rsi } from './rsi.ts';
import { Sma } from './sma.ts';
import { Stochastic } from './stochastic.ts';
import { AccumulationDistribution, Obv, Vwap } from './volume.ts';

const CANDLES = join(import.meta.dirname, '../../../shared/data/candles');

/** Each live indicator's outputs for every candle, fed one candle object at a time. */
function live(series: CandleSeries) {
  const rsi = new Rsi(14);
  const sma = new Sma(20);
  const ema = new Ema(20);
  const macd = new Macd(12, 26, 9);
  const bb = new Bollinger(20, { stdDev: 2 });
  const stoch = new Stochastic(14, 3, 3);
  const atr = new Atr(14);
  const obv = new Obv();
  const ad = new AccumulationDistribution();
  const mfi = new Mfi(14);
  const n = series.length;
  const cols = Array.from({ length: 14 }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const c = candleAt(series, i);
    cols[0]![i] = rsi.update(c.close);
    cols[1]![i] = sma.update(c.close);
    cols[2]![i] = ema.update(c.close);
    const line = macd.update(c.close);
    cols[3]![i] = line;
    cols[4]![i] = Number.isNaN(line) ? Number.NaN : macd.signal;
    cols[5]![i] = Number.isNaN(line) ? Number.NaN : macd.histogram;
    const mid = bb.update(c.close);
    cols[6]![i] = Number.isNaN(mid) ? Number.NaN : bb.upper;
    cols[7]![i] = Number.isNaN(mid) ? Number.NaN : bb.lower;
    const k = stoch.update(c.high, c.low, c.close);
    cols[8]![i] = k;
    cols[9]![i] = Number.isNaN(k) ? Number.NaN : stoch.d;
    cols[10]![i] = atr.update(c.high, c.low, c.close);
    cols[11]![i] = obv.update(c.close, c.volume);
    cols[12]![i] = ad.update(c.high, c.low, c.close, c.volume);
    cols[13]![i] = mfi.update(c.high, c.low, c.close, c.volume);
  }
  return cols;
}

function batch(s: CandleSeries) {
  const m = macdBatch(s.close, 12, 26, 9);
  const b = bollingerBatch(s.close, 20, { stdDev: 2 });
  const st = stochasticBatch(s.high, s.low, s.close, 14, 3, 3);
  return [
    rsiBatch(s.close, 14),
    smaBatch(s.close, 20),
    emaBatch(s.close, 20),
    m.macd,
    m.signal,
    m.histogram,
    b.upper,
    b.lower,
    st.k,
    st.d,
    atrBatch(s.high, s.low, s.close, 14),
    obvBatch(s.close, s.volume),
    adBatch(s.high, s.low, s.close, s.volume),
    mfiBatch(s.high, s.low, s.close, s.volume, 14),
  ];
}

describe('incremental equals batch on real candles', () => {
  it.each(['ETH-BTC_5m.csv', 'UNITTEST-BTC_1m.csv', 'XRP-USDT_5m.csv'])('%s', (file) => {
    const s = loadCandlesCsv(join(CANDLES, file), { gaps: 'keep' }).series;
    const a = live(s);
    const b = batch(s);
    for (let j = 0; j < a.length; j++) {
      // toEqual on typed arrays compares element-wise with Object.is semantics for NaN.
      expect(a[j], `output ${j}`).toEqual(b[j]);
    }
  });

  it('does not look ahead: the batch over a prefix is the prefix of the batch', () => {
    const s = loadCandlesCsv(join(CANDLES, 'LTC-BTC_5m.csv')).series;
    const full = rsiBatch(s.close, 14);
    const half = rsiBatch(s.close.subarray(0, 1000), 14);
    expect(half).toEqual(full.subarray(0, 1000));
    const fullMacd = macdBatch(s.close);
    expect(macdBatch(s.close.subarray(0, 777)).signal).toEqual(fullMacd.signal.subarray(0, 777));
  });
});

const prices = fc.array(fc.double({ min: 1e-8, max: 1e6, noNaN: true, noDefaultInfinity: true }), {
  minLength: 0,
  maxLength: 300,
});

describe('properties', () => {
  it('reset() gives a fresh indicator: a second run equals the first', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 2, max: 30 }), (xs, period) => {
        const inds = [
          new Rsi(period),
          new Sma(period),
          new Ema(period),
          new Bollinger(period),
          new Macd(2, period + 1, 3),
        ];
        for (const ind of inds) {
          const first = xs.map((x) => ind.update(x));
          ind.reset();
          const second = xs.map((x) => ind.update(x));
          expect(second).toEqual(first);
        }
      }),
    );
  });

  it('reset() also renews the candle indicators (high/low/close/volume)', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 20 }), (xs, period) => {
        const feed = (ind: { update(h: number, l: number, c: number, v: number): number }) =>
          xs.map((x, i) => ind.update(x * 1.01, x * 0.99, x, (i % 7) + 1));
        const inds = [
          new Stochastic(period, 3, 2),
          new Atr(period),
          new Mfi(period + 1),
          new Vwap(period),
          new Obv(),
          new AccumulationDistribution(),
        ];
        const adapt = (ind: (typeof inds)[number]) => ({
          update: (h: number, l: number, c: number, v: number) => {
            if (ind instanceof Obv) return ind.update(c, v);
            if (ind instanceof Stochastic || ind instanceof Atr) return ind.update(h, l, c);
            return ind.update(h, l, c, v);
          },
        });
        for (const ind of inds) {
          const first = feed(adapt(ind));
          ind.reset();
          expect(feed(adapt(ind))).toEqual(first);
        }
      }),
    );
  });

  it('values are NaN exactly until warm-up, then defined', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 2, max: 30 }), (xs, period) => {
        for (const ind of [new Rsi(period), new Sma(period), new Ema(period), new Bollinger(period)]) {
          xs.forEach((x, i) => {
            expect(Number.isNaN(ind.update(x))).toBe(i < ind.warmup - 1);
          });
        }
      }),
    );
  });

  it('SMA is the mean of the window (to running-total rounding), EMA of a constant is the constant', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 20 }), (xs, period) => {
        const out = smaBatch(xs, period);
        for (let i = period - 1; i < xs.length; i++) {
          const window = xs.slice(i - period + 1, i + 1);
          const mean = window.reduce((a, b) => a + b, 0) / period;
          // A running total carries rounding from every value it has seen, so bound by the largest so far.
          expect(Math.abs(out[i]! - mean)).toBeLessThanOrEqual(1e-12 * Math.max(...xs.slice(0, i + 1)));
        }
        const c = emaBatch(new Array(period + 5).fill(3.25), period);
        expect(c[c.length - 1]).toBeCloseTo(3.25, 12);
      }),
    );
  });

  it('RSI stays in [0, 100]; stochastic %K and %D too', () => {
    fc.assert(
      fc.property(prices, (xs) => {
        for (const v of rsiBatch(xs, 5)) if (!Number.isNaN(v)) expect(v >= 0 && v <= 100).toBe(true);
        const hi = xs.map((x) => x * 1.01);
        const lo = xs.map((x) => x * 0.99);
        const st = stochasticBatch(hi, lo, xs, 5, 3, 3);
        for (const v of [...st.k, ...st.d])
          if (!Number.isNaN(v)) expect(v >= -1e-9 && v <= 100 + 1e-9).toBe(true);
      }),
    );
  });

  it('the rolling maximum and minimum equal a naive scan of the window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 12 }),
        (xs, p) => {
          const max = new RollingMax(p);
          const min = new RollingMin(p);
          xs.forEach((x, i) => {
            const window = xs.slice(Math.max(0, i - p + 1), i + 1);
            expect(max.update(x)).toBe(Math.max(...window));
            expect(min.update(x)).toBe(Math.min(...window));
          });
        },
      ),
    );
  });

  it('Bollinger "exact" variance agrees with the TA-Lib formula wherever TA-Lib does not clamp', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 25, maxLength: 100 }),
        (xs) => {
          const a = bollingerBatch(xs, 20);
          const b = bollingerBatch(xs, 20, { variance: 'exact' });
          for (let i = 19; i < xs.length; i++) {
            expect(b.middle[i]).toBe(a.middle[i]);
            const width = b.upper[i]! - b.middle[i]!;
            if (a.upper[i] !== a.middle[i])
              expect(Math.abs(a.upper[i]! - b.upper[i]!)).toBeLessThanOrEqual(1e-6 * (1 + width));
          }
        },
      ),
    );
  });
});

describe('parameters', () => {
  it.each([
    () => new Rsi(1),
    () => new Sma(0),
    () => new Ema(1.5),
    () => new Macd(26, 12, 9),
    () => new Bollinger(20, { stdDev: Number.NaN }),
    () => new Stochastic(0),
    () => new Atr(-1),
    () => new Sma(100_001),
  ])('rejects bad parameters with INVALID_PARAMETER (%#)', (make) => {
    expect(make).toThrowError(/\[INVALID_PARAMETER\]$/);
  });
});
