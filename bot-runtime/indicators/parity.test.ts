// Parity with TA-Lib (the C library, as WebAssembly) on every real candle file
// in shared/data/candles: the same warm-up (first defined index) and, after
// it, values within 1e-9 relative. Our arithmetic mirrors TA-Lib's step for
// step, so in practice the values are bit-identical; the test asserts the
// documented bound.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../market-data/candle.ts';
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
} from './batch.ts';
import { callTalib, loadTalib } from './reference/talib-wasm.ts';

const CANDLE_DIR = join(import.meta.dirname, '../../../shared/data/candles');
const files = readdirSync(CANDLE_DIR)
  .filter((f) => f.endsWith('.csv'))
  .sort();

type Talib = Awaited<ReturnType<typeof loadTalib>>;
let talib: Talib;
beforeAll(async () => {
  talib = await loadTalib();
});

const REL = 1e-9;

/** Same NaN prefix, then every value within REL of the reference. Returns the number of values compared. */
function expectParity(label: string, ours: Float64Array, ref: Float64Array): number {
  expect(ours.length, `${label}: length`).toBe(ref.length);
  const firstRef = ref.findIndex((v) => !Number.isNaN(v));
  const firstOurs = ours.findIndex((v) => !Number.isNaN(v));
  expect(firstOurs, `${label}: first defined index`).toBe(firstRef);
  let worst = 0;
  let worstAt = -1;
  for (let i = firstRef; i < ref.length; i++) {
    const a = ours[i]!;
    const b = ref[i]!;
    const rel = a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);
    if (!(rel <= worst)) {
      worst = rel;
      worstAt = i;
    }
  }
  expect(worst, `${label}: worst relative difference at index ${worstAt}`).toBeLessThanOrEqual(REL);
  return ref.length - firstRef;
}

const load = (file: string): CandleSeries => loadCandlesCsv(join(CANDLE_DIR, file), { gaps: 'keep' }).series;

it('finds the real candle files', () => {
  expect(files.length).toBeGreaterThanOrEqual(10);
});

describe.each(files)('TA-Lib parity on %s', (file) => {
  const s = load(file);
  const c = s.close;

  it.each([2, 6, 14, 30])('RSI(%i)', (period) => {
    expectParity(`RSI(${period})`, rsiBatch(c, period), callTalib(talib, 'RSI', [c], [period], 1)[0]!);
  });

  it.each([2, 5, 20, 50, 200])('SMA and EMA, period %i', (period) => {
    expectParity(`SMA(${period})`, smaBatch(c, period), callTalib(talib, 'SMA', [c], [period], 1)[0]!);
    expectParity(`EMA(${period})`, emaBatch(c, period), callTalib(talib, 'EMA', [c], [period], 1)[0]!);
  });

  it.each([
    [12, 26, 9],
    [5, 35, 5],
    [3, 10, 16],
  ])('MACD(%i,%i,%i)', (fast, slow, signal) => {
    const ours = macdBatch(c, fast, slow, signal);
    const [macd, sig, hist] = callTalib(talib, 'MACD', [c], [fast, slow, signal], 3);
    expectParity('MACD', ours.macd, macd!);
    expectParity('signal', ours.signal, sig!);
    // The histogram is a difference of nearly equal numbers; TA-Lib computes it the same way, so compare exactly.
    expect(Array.from(ours.histogram)).toEqual(Array.from(hist!));
  });

  it.each([
    [20, 2],
    [10, 1.5],
    [50, 3],
  ])('Bollinger(%i, %f)', (period, k) => {
    const ours = bollingerBatch(c, period, { stdDev: k });
    const [upper, middle, lower] = callTalib(talib, 'BBANDS', [c], [period, k, k, 0], 3);
    expectParity('upper', ours.upper, upper!);
    expectParity('middle', ours.middle, middle!);
    expectParity('lower', ours.lower, lower!);
  });

  it.each([
    [14, 3, 3],
    [5, 3, 3],
    [14, 1, 3],
    [21, 5, 4],
  ])('Stochastic(%i,%i,%i)', (kPeriod, kSmoothing, dPeriod) => {
    const ours = stochasticBatch(s.high, s.low, c, kPeriod, kSmoothing, dPeriod);
    const [k, d] = callTalib(talib, 'STOCH', [s.high, s.low, c], [kPeriod, kSmoothing, 0, dPeriod, 0], 2);
    expectParity('k', ours.k, k!);
    expectParity('d', ours.d, d!);
  });

  it.each([1, 7, 14, 30])('ATR(%i)', (period) => {
    expectParity(
      `ATR(${period})`,
      atrBatch(s.high, s.low, c, period),
      callTalib(talib, 'ATR', [s.high, s.low, c], [period], 1)[0]!,
    );
  });

  it.each([2, 14, 30])('MFI(%i)', (period) => {
    expectParity(
      `MFI(${period})`,
      mfiBatch(s.high, s.low, c, s.volume, period),
      callTalib(talib, 'MFI', [s.high, s.low, c, s.volume], [period], 1)[0]!,
    );
  });

  it('is bit-identical to TA-Lib with the default parameters (what docs/indicators.md claims)', () => {
    const same = (ours: Float64Array, ref: Float64Array | undefined) =>
      expect(Array.from(ours)).toEqual(Array.from(ref!));
    same(rsiBatch(c, 14), callTalib(talib, 'RSI', [c], [14], 1)[0]);
    same(smaBatch(c, 20), callTalib(talib, 'SMA', [c], [20], 1)[0]);
    same(emaBatch(c, 20), callTalib(talib, 'EMA', [c], [20], 1)[0]);
    const m = macdBatch(c);
    const [macd, signal] = callTalib(talib, 'MACD', [c], [12, 26, 9], 3);
    same(m.macd, macd);
    same(m.signal, signal);
    const bb = bollingerBatch(c, 20);
    const [upper, , lower] = callTalib(talib, 'BBANDS', [c], [20, 2, 2, 0], 3);
    same(bb.upper, upper);
    same(bb.lower, lower);
    const st = stochasticBatch(s.high, s.low, c);
    const [k, d] = callTalib(talib, 'STOCH', [s.high, s.low, c], [14, 3, 0, 3, 0], 2);
    same(st.k, k);
    same(st.d, d);
    same(atrBatch(s.high, s.low, c, 14), callTalib(talib, 'ATR', [s.high, s.low, c], [14], 1)[0]);
    same(
      mfiBatch(s.high, s.low, c, s.volume, 14),
      callTalib(talib, 'MFI', [s.high, s.low, c, s.volume], [14], 1)[0],
    );
    same(obvBatch(c, s.volume), callTalib(talib, 'OBV', [c, s.volume], [], 1)[0]);
    same(adBatch(s.high, s.low, c, s.volume), callTalib(talib, 'AD', [s.high, s.low, c, s.volume], [], 1)[0]);
  });

  it('OBV, A/D line and average volume', () => {
    expectParity('OBV', obvBatch(c, s.volume), callTalib(talib, 'OBV', [c, s.volume], [], 1)[0]!);
    expectParity(
      'AD',
      adBatch(s.high, s.low, c, s.volume),
      callTalib(talib, 'AD', [s.high, s.low, c, s.volume], [], 1)[0]!,
    );
    expectParity('volume SMA', smaBatch(s.volume, 20), callTalib(talib, 'SMA', [s.volume], [20], 1)[0]!);
  });
});
