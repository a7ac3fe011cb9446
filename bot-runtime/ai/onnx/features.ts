// The model's input: the last `inputWindow` closed candles, each as the
// manifest's `features` in order, oldest first, in one row-major float32
// block shaped [window, features]. `returns` is close / previous close - 1 and
// `logReturns` its natural log, so a window that uses them needs one candle
// more than its length.
import type { OnnxParams } from '../../../crds/index.ts';

export type OnnxFeature = OnnxParams['features'][number];

type FeatureOf = (
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
  previous: number,
) => number;

const FEATURES: Record<OnnxFeature, FeatureOf> = {
  open: (o) => o,
  high: (_o, h) => h,
  low: (_o, _h, l) => l,
  close: (_o, _h, _l, c) => c,
  volume: (_o, _h, _l, _c, v) => v,
  returns: (_o, _h, _l, c, _v, prev) => c / prev - 1,
  logReturns: (_o, _h, _l, c, _v, prev) => Math.log(c / prev),
};

/** A rolling window of candle features, ready to copy into a model's input tensor. */
export class FeatureWindow {
  readonly size: number;
  readonly features: readonly OnnxFeature[];
  /** Floats per window: size × features. */
  readonly length: number;
  readonly #extract: readonly FeatureOf[];
  readonly #needsPrevious: boolean;
  /** Ring of rows; row i of the window is at (#start + i) % size. */
  readonly #rows: Float64Array;
  #start = 0;
  #count = 0;
  #previousClose = Number.NaN;

  constructor(size: number, features: readonly OnnxFeature[]) {
    this.size = size;
    this.features = features;
    this.length = size * features.length;
    this.#extract = features.map((f) => FEATURES[f]);
    this.#needsPrevious = features.includes('returns') || features.includes('logReturns');
    this.#rows = new Float64Array(this.length);
  }

  /** True once a whole window of rows with every feature defined has been pushed. */
  get full(): boolean {
    return this.#count === this.size;
  }

  reset(): void {
    this.#start = 0;
    this.#count = 0;
    this.#previousClose = Number.NaN;
  }

  /** Adds one closed candle (the first one only seeds the previous close when returns are used). */
  push(open: number, high: number, low: number, close: number, volume: number): void {
    const previous = this.#previousClose;
    this.#previousClose = close;
    if (this.#needsPrevious && Number.isNaN(previous)) return;
    const nf = this.features.length;
    let row: number;
    if (this.#count < this.size) {
      row = (this.#start + this.#count) % this.size;
      this.#count++;
    } else {
      row = this.#start;
      this.#start = (this.#start + 1) % this.size;
    }
    for (let f = 0; f < nf; f++)
      this.#rows[row * nf + f] = this.#extract[f]!(open, high, low, close, volume, previous);
  }

  /** Copies the window, oldest row first, into `out` at `offset` (`length` floats). */
  writeTo(out: Float32Array, offset = 0): void {
    const nf = this.features.length;
    const head = (this.size - this.#start) * nf;
    out.set(this.#rows.subarray(this.#start * nf), offset);
    out.set(this.#rows.subarray(0, this.#start * nf), offset + head);
  }
}
