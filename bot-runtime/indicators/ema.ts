import { checkPeriod } from './params.ts';

/**
 * Exponential moving average with TA-Lib's default seeding: the first value
 * (after `period` inputs) is the simple average of those inputs, then
 * `ema = (x - ema) * k + ema` with `k = 2 / (period + 1)`.
 */
export class Ema {
  readonly period: number;
  readonly warmup: number;
  readonly k: number;
  #count = 0;
  #sum = 0;
  value = Number.NaN;

  constructor(period: number) {
    this.period = checkPeriod('ema', 'period', period);
    this.warmup = period;
    this.k = 2 / (period + 1);
  }

  update(x: number): number {
    this.push(x);
    return this.value;
  }

  /** `update` without its result (read `value`, NaN until warm): a double returned from a call that is not inlined is boxed. */
  push(x: number): void {
    if (this.#count >= this.period) {
      this.value = (x - this.value) * this.k + this.value;
      return;
    }
    this.#sum += x;
    if (++this.#count < this.period) return;
    this.value = this.#sum / this.period;
  }

  /** Starts the average at `seed` as if `period` inputs had been seen (MACD's fast line needs this). */
  seed(seed: number): void {
    this.#count = this.period;
    this.value = seed;
  }

  reset(): void {
    this.#count = 0;
    this.#sum = 0;
    this.value = Number.NaN;
  }
}
