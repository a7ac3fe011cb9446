// A live strategy's model answers: each closed candle joins the window and,
// once the window is full, the model runs on it before the strategy decides.
// Candles must come in order and one at a time (the strategy worker chains
// them), so the window is always the candles up to the one being decided.
import type { ProbabilitySource } from '../../strategies/index.ts';
import { FeatureWindow, type OnnxFeature } from './features.ts';
import type { OnnxModel } from './model.ts';

export class LiveProbabilities implements ProbabilitySource {
  readonly #model: OnnxModel;
  readonly #window: FeatureWindow;
  readonly #input: Float32Array;
  #t = Number.NaN;
  #p: number | undefined;

  constructor(model: OnnxModel, inputWindow: number, features: readonly OnnxFeature[]) {
    this.#model = model;
    this.#window = new FeatureWindow(inputWindow, features);
    this.#input = new Float32Array(this.#window.length);
  }

  /** Feeds the candle opened at `t` and runs the model on the window it completes. */
  async evaluate(
    t: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): Promise<void> {
    this.#window.push(open, high, low, close, volume);
    this.#t = t;
    this.#p = undefined;
    if (!this.#window.full) return;
    this.#window.writeTo(this.#input);
    this.#p = (await this.#model.predict(this.#input, 1))[0];
  }

  probabilityAt(t: number): number | undefined {
    if (t !== this.#t) {
      throw new Error(
        `the model was evaluated for the candle at ${this.#t}, not ${t}: evaluate each candle first`,
      );
    }
    return this.#p;
  }

  reset(): void {
    this.#window.reset();
    this.#t = Number.NaN;
    this.#p = undefined;
  }
}
