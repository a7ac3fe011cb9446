import { checkPeriod } from './params.ts';

/**
 * Average true range, Wilder's smoothing, as TA-Lib: true range starts at the
 * second candle (it needs the previous close); the first ATR is the simple
 * average of the first `period` true ranges, then
 * `atr = (atr * (period - 1) + tr) / period`.
 */
export class Atr {
  readonly period: number;
  readonly warmup: number;
  #prevClose = Number.NaN;
  #count = 0;
  #sum = 0;
  value = Number.NaN;

  constructor(period = 14) {
    this.period = checkPeriod('atr', 'period', period);
    this.warmup = period + 1;
  }

  update(high: number, low: number, close: number): number {
    const prevClose = this.#prevClose;
    this.#prevClose = close;
    if (this.#count === 0) {
      this.#count = 1;
      return Number.NaN;
    }
    let tr = high - low;
    const up = Math.abs(prevClose - high);
    if (up > tr) tr = up;
    const down = Math.abs(prevClose - low);
    if (down > tr) tr = down;
    const p = this.period;
    if (this.#count <= p) {
      this.#sum += tr;
      if (this.#count++ < p) return Number.NaN;
      this.value = this.#sum / p;
      return this.value;
    }
    let atr = this.value * (p - 1);
    atr += tr;
    this.value = atr / p;
    return this.value;
  }

  reset(): void {
    this.#prevClose = Number.NaN;
    this.#count = 0;
    this.#sum = 0;
    this.value = Number.NaN;
  }
}
