import { checkPeriod } from './params.ts';

/**
 * Simple moving average. Same arithmetic as TA-Lib's TA_SMA: a running total
 * that adds the new value, divides, then subtracts the oldest, so results are
 * bit-identical to TA-Lib, not just close.
 */
export class Sma {
  readonly period: number;
  /** Inputs needed before the first value. */
  readonly warmup: number;
  readonly #buf: Float64Array;
  #idx = 0;
  #count = 0;
  #total = 0;
  value = Number.NaN;

  constructor(period: number) {
    this.period = checkPeriod('sma', 'period', period);
    this.warmup = period;
    this.#buf = new Float64Array(period);
  }

  update(x: number): number {
    this.#total += x;
    const buf = this.#buf;
    buf[this.#idx] = x;
    let idx = this.#idx + 1;
    if (idx === this.period) idx = 0;
    this.#idx = idx;
    if (this.#count < this.period) {
      this.#count++;
      if (this.#count < this.period) return Number.NaN;
    }
    const out = this.#total / this.period;
    // After the write, buf[idx] is the oldest value in the window.
    this.#total -= buf[idx]!;
    this.value = out;
    return out;
  }

  reset(): void {
    this.#buf.fill(0);
    this.#idx = 0;
    this.#count = 0;
    this.#total = 0;
    this.value = Number.NaN;
  }
}
