// onnx.precompute.candlesPerSecond: what an ONNX strategy adds to a backtest
// before its candle loop: one model call per candle (examples/models/
// momentum.onnx, 64 candles × close and volume), the way `botcore backtest`
// and a strategy worker run it (docs/strategies.md says why one per window).
// Per second of CPU time, over BENCH_ONNX_CANDLES (default 50,000) of the
// bench candles, after one warm-up pass.
import { fileURLToPath } from 'node:url';
import { loadStrategyModel, precomputeProbabilities } from '../bot-runtime/ai/onnx/index.ts';
import type { CandleSeries } from '../bot-runtime/market-data/index.ts';

const CANDLES = Number(process.env.BENCH_ONNX_CANDLES ?? 50_000);
const MODEL = fileURLToPath(new URL('../examples/models/momentum.onnx', import.meta.url));

export async function onnxFigure(series: CandleSeries): Promise<Record<string, unknown>> {
  const spec = {
    name: 'model',
    type: 'onnx' as const,
    weight: '1',
    onnx: {
      model: { path: MODEL },
      inputWindow: 64,
      features: ['close' as const, 'volume' as const],
      buyThreshold: 0.6,
      sellThreshold: 0.4,
    },
  };
  const { model, params } = await loadStrategyModel(spec, 0, '/');
  const part = { ...series, length: Math.min(CANDLES, series.length) };
  try {
    await precomputeProbabilities(model, params, part);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const answers = await precomputeProbabilities(model, params, part);
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    return {
      name: 'onnx.precompute.candlesPerSecond',
      value: Math.round(part.length / cpu),
      unit: 'candles/s',
      wallClock: Math.round(part.length / wall),
      cpuMicrosecondsPerCandle: Number(((cpu * 1e6) / part.length).toFixed(1)),
      candles: part.length,
      answers: answers.size,
      note: 'one onnxruntime call per candle, as a backtest precomputes and a worker evaluates an ONNX strategy',
    };
  } finally {
    await model.release();
  }
}
