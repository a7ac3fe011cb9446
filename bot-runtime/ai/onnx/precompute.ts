// A backtest's model answers: every candle of a series run through the model
// before the run, so the kernel's candle loop stays synchronous. The
// probability kept for a candle is that of the window ending with it, so no
// answer depends on a later candle.
//
// Each window is its own model call, exactly as a live strategy worker makes
// it (LiveProbabilities does both). Batching windows would be several times
// faster, but onnxruntime's kernels may sum a batch in another order than a
// single window, and the last float32 bit that changes can move a
// probability across a threshold: a backtest would then trade where paper
// trading does not. Same decisions in every mode come first.
import type { OnnxParams } from '../../../crds/index.ts';
import type { CandleSeries } from '../../market-data/index.ts';
import type { ProbabilitySource } from '../../strategies/index.ts';
import { LiveProbabilities } from './live.ts';
import type { OnnxModel } from './model.ts';

/** Answers by the candle's open time, from a table filled in one pass. */
export class PrecomputedProbabilities implements ProbabilitySource {
  readonly #byTime: Map<number, number>;

  constructor(byTime: Map<number, number>) {
    this.#byTime = byTime;
  }

  probabilityAt(t: number): number | undefined {
    return this.#byTime.get(t);
  }

  get size(): number {
    return this.#byTime.size;
  }
}

export async function precomputeProbabilities(
  model: OnnxModel,
  params: Pick<OnnxParams, 'inputWindow' | 'features'>,
  series: CandleSeries,
  onProgress?: (done: number) => void,
): Promise<PrecomputedProbabilities> {
  const live = new LiveProbabilities(model, params.inputWindow, params.features);
  const byTime = new Map<number, number>();
  const { time, open, high, low, close, volume } = series;
  for (let i = 0; i < series.length; i++) {
    const t = time[i]!;
    await live.evaluate(t, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!);
    const p = live.probabilityAt(t);
    if (p !== undefined) byTime.set(t, p);
    if (onProgress && (i & 4095) === 4095) onProgress(i + 1);
  }
  return new PrecomputedProbabilities(byTime);
}
