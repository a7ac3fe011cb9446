import { checkPeriod } from './params.ts';

/** TA-Lib's TA_IS_ZERO (ta_utility.h, TA-Lib 0.6): |v| < 1e-14. */
const TA_EPSILON = 1e-14;

/**
 * Relative strength index, Wilder's smoothing, seeded like TA-Lib: the first
 * value (after `period + 1` closes) uses the simple averages of the first
 * `period` gains and losses; then `avg = (avg * (period - 1) + x) / period`.
 * `100 * gain / (gain + loss)`, and 0 when both are (near) zero, as TA-Lib does.
 */
export class Rsi {
  readonly period: number;
  readonly warmup: number;
  #prev = Number.NaN;
  #count = 0;
  #gain = 0;
  #loss = 0;
  value = Number.NaN;

  constructor(period: number) {
    this.period = checkPeriod('rsi', 'period', period, 2);
    this.warmup = period + 1;
  }

  update(x: number): number {
    this.push(x);
    return this.value;
  }

  /**
   * `update` without its result (read `value`): a double returned from a call
   * that is not inlined is boxed, one allocation per candle on the hot path.
   */
  push(x: number): void {
    const diff = x - this.#prev;
    this.#prev = x;
    const p = this.period;
    if (this.#count > p) {
      // Warm: Wilder's smoothing, in TA-Lib's order of operations.
      let loss = this.#loss * (p - 1);
      let gain = this.#gain * (p - 1);
      if (diff < 0) loss -= diff;
      else gain += diff;
      this.#loss = loss / p;
      this.#gain = gain / p;
      this.#output();
      return;
    }
    this.#warmUp(diff);
  }

  #warmUp(diff: number): number {
    const count = this.#count++;
    if (count === 0) return Number.NaN;
    if (diff < 0) this.#loss -= diff;
    else this.#gain += diff;
    if (count < this.period) return Number.NaN;
    // The first value: simple averages of the first `period` gains and losses.
    this.#loss /= this.period;
    this.#gain /= this.period;
    return this.#output();
  }

  #output(): number {
    const gain = this.#gain;
    const sum = gain + this.#loss;
    this.value = sum > -TA_EPSILON && sum < TA_EPSILON ? 0 : 100 * (gain / sum);
    return this.value;
  }

  reset(): void {
    this.#prev = Number.NaN;
    this.#count = 0;
    this.#gain = 0;
    this.#loss = 0;
    this.value = Number.NaN;
  }
}
