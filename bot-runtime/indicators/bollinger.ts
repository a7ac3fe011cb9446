import { checkFinite, checkPeriod } from './params.ts';

/** TA-Lib's TA_IS_ZERO_OR_NEG threshold (ta_utility.h, TA-Lib 0.6). */
const TA_EPSILON = 1e-14;

export interface BollingerOptions {
  /** Band width in standard deviations (TA-Lib's nbDevUp and nbDevDn); 2 by default. */
  readonly stdDev?: number;
  /**
   * `talib` (the default) reproduces TA-Lib exactly: variance as the running
   * mean of squares minus the squared mean, and clamped to zero below 1e-14.
   * `exact` computes the population variance from the window (two passes), which
   * stays right for markets priced around 1e-5, where TA-Lib's clamp makes
   * the bands collapse onto the middle (see docs/indicators.md).
   */
  readonly variance?: 'talib' | 'exact';
}

/** Bollinger Bands over an SMA middle band with the population standard deviation. */
export class Bollinger {
  readonly period: number;
  readonly stdDev: number;
  readonly exact: boolean;
  readonly warmup: number;
  readonly #buf: Float64Array;
  #idx = 0;
  #count = 0;
  #total = 0;
  #total2 = 0;
  middle = Number.NaN;
  upper = Number.NaN;
  lower = Number.NaN;

  constructor(period = 20, options: BollingerOptions = {}) {
    this.period = checkPeriod('bollinger', 'period', period, 2);
    this.stdDev = checkFinite('bollinger', 'stdDev', options.stdDev ?? 2);
    this.exact = options.variance === 'exact';
    this.warmup = period;
    this.#buf = new Float64Array(period);
  }

  /** Feeds one close; returns the middle band (NaN until warm). */
  update(x: number): number {
    this.push(x);
    return this.middle;
  }

  /** `update` without its result (read the bands: NaN until warm): a double returned from a call that is not inlined is boxed. */
  push(x: number): void {
    const p = this.period;
    const buf = this.#buf;
    this.#total += x;
    this.#total2 += x * x;
    buf[this.#idx] = x;
    let idx = this.#idx + 1;
    if (idx === p) idx = 0;
    this.#idx = idx;
    if (this.#count < p) {
      this.#count++;
      if (this.#count < p) return;
    }
    const middle = this.#total / p;
    let meanSquares = this.#total2 / p;
    const oldest = buf[idx]!;
    this.#total -= oldest;
    this.#total2 -= oldest * oldest;
    let sd: number;
    if (this.exact) {
      let acc = 0;
      for (let i = 0; i < p; i++) {
        const d = buf[i]! - middle;
        acc += d * d;
      }
      sd = Math.sqrt(acc / p);
    } else {
      meanSquares -= middle * middle;
      sd = meanSquares < TA_EPSILON ? 0 : Math.sqrt(meanSquares);
    }
    const width = sd * this.stdDev;
    this.middle = middle;
    this.upper = middle + width;
    this.lower = middle - width;
  }

  reset(): void {
    this.#buf.fill(0);
    this.#idx = 0;
    this.#count = 0;
    this.#total = 0;
    this.#total2 = 0;
    this.middle = Number.NaN;
    this.upper = Number.NaN;
    this.lower = Number.NaN;
  }
}
