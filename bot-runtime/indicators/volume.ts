// Volume measures: on-balance volume and the Chaikin accumulation/distribution
// line, both cumulative from the first candle exactly as TA-Lib's OBV and AD,
// and the volume-weighted average price. (The average volume is the SMA of the
// volume column, and the money flow index is in mfi.ts.)
import { IndicatorError, IndicatorErrorCode, MAX_PERIOD } from './params.ts';

/** On-balance volume. Starts at the first candle's volume (TA-Lib), not at 0. */
export class Obv {
  readonly warmup = 1;
  #prevClose = Number.NaN;
  value = Number.NaN;

  update(close: number, volume: number): number {
    if (Number.isNaN(this.value)) {
      this.value = volume;
    } else if (close > this.#prevClose) {
      this.value += volume;
    } else if (close < this.#prevClose) {
      this.value -= volume;
    }
    this.#prevClose = close;
    return this.value;
  }

  reset(): void {
    this.#prevClose = Number.NaN;
    this.value = Number.NaN;
  }
}

/** Chaikin accumulation/distribution line: the running sum of ((close-low)-(high-close))/(high-low) * volume. */
export class AccumulationDistribution {
  readonly warmup = 1;
  #ad = 0;
  value = Number.NaN;

  update(high: number, low: number, close: number, volume: number): number {
    const range = high - low;
    if (range > 0) this.#ad += ((close - low - (high - close)) / range) * volume;
    this.value = this.#ad;
    return this.#ad;
  }

  reset(): void {
    this.#ad = 0;
    this.value = Number.NaN;
  }
}

/**
 * Volume-weighted average price of the typical price (high + low + close) / 3.
 * `period` 0 (the default) accumulates from the first candle, exactly as
 * technicalindicators' VWAP (TA-Lib has none); a positive period weighs the
 * last `period` candles, summed afresh each time so no rounding accumulates.
 * NaN while the weighing volume is zero.
 */
export class Vwap {
  readonly period: number;
  readonly warmup: number;
  readonly #pv: Float64Array;
  readonly #v: Float64Array;
  #idx = 0;
  #count = 0;
  #cumPv = 0;
  #cumV = 0;
  value = Number.NaN;

  constructor(period = 0) {
    if (!Number.isInteger(period) || period < 0 || period > MAX_PERIOD) {
      throw new IndicatorError(
        IndicatorErrorCode.INVALID_PARAMETER,
        `vwap: period must be 0 (cumulative) or a whole number up to ${MAX_PERIOD}, got ${period}`,
      );
    }
    this.period = period;
    this.warmup = Math.max(1, period);
    this.#pv = new Float64Array(period);
    this.#v = new Float64Array(period);
  }

  update(high: number, low: number, close: number, volume: number): number {
    const tp = (high + low + close) / 3;
    const p = this.period;
    if (p === 0) {
      this.#cumPv = this.#cumPv + volume * tp;
      this.#cumV = this.#cumV + volume;
      this.value = this.#cumV > 0 ? this.#cumPv / this.#cumV : Number.NaN;
      return this.value;
    }
    this.#pv[this.#idx] = volume * tp;
    this.#v[this.#idx] = volume;
    this.#idx = this.#idx + 1 === p ? 0 : this.#idx + 1;
    if (this.#count < p) this.#count++;
    if (this.#count < p) return Number.NaN;
    let pv = 0;
    let v = 0;
    for (let i = 0; i < p; i++) {
      pv += this.#pv[i]!;
      v += this.#v[i]!;
    }
    this.value = v > 0 ? pv / v : Number.NaN;
    return this.value;
  }

  reset(): void {
    this.#pv.fill(0);
    this.#v.fill(0);
    this.#idx = 0;
    this.#count = 0;
    this.#cumPv = 0;
    this.#cumV = 0;
    this.value = Number.NaN;
  }
}
