// The loader and the two ways of running a model, with the real onnxruntime
// on the committed test models (testdata/make_models.py) and the example model.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCandlesCsv } from '../../market-data/index.ts';
import { StrategyError } from '../../strategies/index.ts';
import { FeatureWindow } from './features.ts';
import { LiveProbabilities } from './live.ts';
import { OnnxModel } from './model.ts';
import { precomputeProbabilities } from './precompute.ts';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));
const MOMENTUM = fileURLToPath(new URL('../../../examples/models/momentum.onnx', import.meta.url));
const CANDLES = fileURLToPath(new URL('../../../../shared/data/candles/ETH-BTC_5m.csv', import.meta.url));
const field = 'strategies[0].onnx.model.path';

const loaded: OnnxModel[] = [];
async function load(path: string, window: number, features: number): Promise<OnnxModel> {
  const m = await OnnxModel.load(path, { window, features }, field);
  loaded.push(m);
  return m;
}
afterAll(async () => {
  for (const m of loaded) await m.release();
});

describe('OnnxModel', () => {
  it('answers one probability per window of a batch', async () => {
    const m = await load(testdata('mean-close-8.onnx'), 8, 2);
    const input = new Float32Array(3 * 8 * 2);
    for (let b = 0; b < 3; b++) for (let i = 0; i < 8; i++) input[(b * 8 + i) * 2] = b + i / 8;
    const p = await m.predict(input, 3);
    expect(Array.from(p)).toEqual([0.4375, 1.4375, 2.4375]);
  });

  it.each([
    ['mean-close-8.onnx', 16, 2, 'takes windows of 8 candles; inputWindow is 16'],
    ['mean-close-8.onnx', 8, 3, 'takes 2 features per candle; features lists 3'],
    ['int-input.onnx', 8, 1, 'must be a float32 tensor'],
    ['two-outputs-4d.onnx', 2, 2, 'must be shaped [batch, 1] or [batch]'],
    ['not-a-model.onnx', 8, 1, 'not a model onnxruntime can load'],
    ['missing.onnx', 8, 1, 'no such file'],
  ])('refuses %s for a window of %i × %i features: %s', async (file, window, features, why) => {
    const error = await OnnxModel.load(testdata(file), { window, features }, field).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StrategyError);
    expect((error as StrategyError).message).toContain(why);
    expect((error as StrategyError).field).toBe(field);
    expect((error as StrategyError).code).toBe('STRATEGY_MODEL_INVALID');
  });
});

describe('precomputed and live probabilities', () => {
  it('are the same, candle by candle, on real candles, and match the model formula', async () => {
    const { series } = loadCandlesCsv(CANDLES);
    const n = 3000;
    const part = { ...series, length: n };
    const m = await load(MOMENTUM, 32, 2);
    const params = { inputWindow: 32, features: ['close', 'volume'] as ('close' | 'volume')[] };
    const batch = await precomputeProbabilities(m, params, part);
    const live = new LiveProbabilities(m, 32, params.features);
    const closes: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = series.time[i]!;
      await live.evaluate(
        t,
        series.open[i]!,
        series.high[i]!,
        series.low[i]!,
        series.close[i]!,
        series.volume[i]!,
      );
      closes.push(Math.fround(series.close[i]!));
      const p = live.probabilityAt(t);
      expect(batch.probabilityAt(t)).toBe(p);
      if (i < 31) {
        expect(p).toBeUndefined();
        continue;
      }
      const w = closes.slice(-32);
      const mean = w.reduce((a, b) => a + b, 0) / 32;
      // float32 inside the model; the steep sigmoid amplifies its rounding a little.
      expect(p).toBeCloseTo(1 / (1 + Math.exp(-200 * (w[31]! / mean - 1))), 4);
    }
    expect(batch.size).toBe(n - 31);
  });

  it('live probabilities are asked in candle order', async () => {
    const m = await load(MOMENTUM, 1, 1);
    const live = new LiveProbabilities(m, 1, ['close']);
    await live.evaluate(10, 1, 1, 1, 1, 1);
    expect(live.probabilityAt(10)).toBeCloseTo(0.5, 6);
    expect(() => live.probabilityAt(11)).toThrow(/evaluated for the candle at 10, not 11/);
  });

  it('the window the model sees is the FeatureWindow one', () => {
    const w = new FeatureWindow(2, ['close']);
    w.push(0, 0, 0, 1, 0);
    w.push(0, 0, 0, 2, 0);
    const out = new Float32Array(2);
    w.writeTo(out);
    expect(Array.from(out)).toEqual([1, 2]);
  });
});
