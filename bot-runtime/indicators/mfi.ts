import { checkPeriod } from './params.ts';

/**
 * Money flow index as TA-Lib's TA_MFI: typical price (high + low + close) / 3,
 * money flow = typical price x volume, counted as positive or negative by the
 * change of the typical price, summed over `period` candles;
 * `100 * positive / (positive + negative)`. First value after `period + 1`
 * candles. TA-Lib prints 0 when the summed money flow is below 1.0, an
 * absolute threshold in quote-currency units that we reproduce (see
 * docs/indicators.md).
 */
export class Mfi {
  readonly period: number;
  readonly warmup: number;
  readonly #pos: Float64Array;
  readonly #neg: Float64Array;
  #idx = 0;
  #count = 0;
  #prevTp = 0;
  #posSum = 0;
  #negSum = 0;
  value = Number.NaN;

  constructor(period = 14) {
    this.period = checkPeriod('mfi', 'period', period, 2);
    this.warmup = period + 1;
    this.#pos = new Float64Array(period);
    this.#neg = new Float64Array(period);
  }

  update(high: number, low: number, close: number, volume: number): number {
    const tp = (high + low + close) / 3;
    const count = this.#count;
    if (count === 0) {
      this.#prevTp = tp;
      this.#count = 1;
      return Number.NaN;
    }
    const p = this.period;
    const idx = this.#idx;
    const pos = this.#pos;
    const neg = this.#neg;
    if (count > p) {
      this.#posSum -= pos[idx]!;
      this.#negSum -= neg[idx]!;
    }
    const diff = tp - this.#prevTp;
    this.#prevTp = tp;
    const flow = tp * volume;
    if (diff < 0) {
      neg[idx] = flow;
      this.#negSum += flow;
      pos[idx] = 0;
    } else if (diff > 0) {
      pos[idx] = flow;
      this.#posSum += flow;
      neg[idx] = 0;
    } else {
      pos[idx] = 0;
      neg[idx] = 0;
    }
    this.#idx = idx + 1 === p ? 0 : idx + 1;
    this.#count = count + 1;
    if (count < p) return Number.NaN;
    const total = this.#posSum + this.#negSum;
    this.value = total < 1 ? 0 : 100 * (this.#posSum / total);
    return this.value;
  }

  reset(): void {
    this.#pos.fill(0);
    this.#neg.fill(0);
    this.#idx = 0;
    this.#count = 0;
    this.#prevTp = 0;
    this.#posSum = 0;
    this.#negSum = 0;
    this.value = Number.NaN;
  }
}
