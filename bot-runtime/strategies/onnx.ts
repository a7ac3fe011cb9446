// ONNX model strategy: buy while the model's probability that the price goes
// up is at or above `buyThreshold`, sell while it is at or below
// `sellThreshold`, hold between. The model runs outside this class (it is
// asynchronous, native code): a ProbabilitySource answers the probability of
// the window that ends with a given candle. A backtest computes every window
// in batches before the run (bot-runtime/ai/onnx/precompute.ts), a strategy
// worker evaluates each closed candle as it arrives
// (bot-runtime/ai/onnx/live.ts). Either way a candle's probability depends
// only on that candle and the ones before it.
import type { OnnxParams } from '../../crds/index.ts';
import { resolveParams } from './params.ts';
import { type Signal, type Strategy, StrategyError, StrategyErrorCode } from './types.ts';

/** The model's answers, by the open time of the last candle of the window. */
export interface ProbabilitySource {
  /** Probability (0-1) for the window ending with the candle opened at `t`; undefined while warming up. */
  probabilityAt(t: number): number | undefined;
}

/** Candles a window needs before its first probability: returns need the close before the window. */
export function onnxWarmup(params: Pick<OnnxParams, 'inputWindow' | 'features'>): number {
  const needsPrevious = params.features.some((f) => f === 'returns' || f === 'logReturns');
  return params.inputWindow + (needsPrevious ? 1 : 0);
}

/** Stands in until a model is loaded: knows its warm-up, refuses to trade. */
function notLoaded(field: string): ProbabilitySource {
  return {
    probabilityAt(): never {
      throw new StrategyError(
        StrategyErrorCode.MODEL_NOT_LOADED,
        field,
        'the ONNX model is not loaded: backtests load it with `botcore backtest`, pods in the strategy worker',
      );
    },
  };
}

export class OnnxStrategy implements Strategy {
  readonly name: string;
  readonly type = 'onnx' as const;
  readonly params: OnnxParams;
  readonly warmup: number;
  readonly #source: ProbabilitySource;
  #seen = 0;

  /** Without a source the strategy only answers its parameters and warm-up (the executor's view). */
  constructor(name: string, params: Partial<OnnxParams>, source?: ProbabilitySource, where = 'onnx') {
    this.name = name;
    this.params = resolveParams('onnx', params, where);
    this.warmup = onnxWarmup(this.params);
    this.#source = source ?? notLoaded(`${where}.model`);
  }

  get ready(): boolean {
    return this.#seen >= this.warmup;
  }

  onStart(): void {
    this.#seen = 0;
  }

  onBar(t: number): Signal {
    this.#seen++;
    const p = this.#source.probabilityAt(t);
    if (p === undefined || this.#seen < this.warmup) return 0;
    if (p >= this.params.buyThreshold) return 1;
    if (p <= this.params.sellThreshold) return -1;
    return 0;
  }

  onStop(): void {}
}
