import { Ema } from './ema.ts';
import { checkPeriod, IndicatorError, IndicatorErrorCode } from './params.ts';

/**
 * MACD as TA-Lib computes it: the slow EMA is seeded on the first `slow`
 * closes, and the fast EMA on the `fast` closes that end at the same candle
 * (not on the first `fast` closes), so both lines start together. The signal is
 * an EMA of the MACD line. All three values appear together, once the signal
 * is defined (after `slow + signal - 1` closes); before that they are NaN.
 */
export class Macd {
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  readonly signalPeriod: number;
  readonly warmup: number;
  readonly #fast: Ema;
  readonly #slow: Ema;
  readonly #signal: Ema;
  #count = 0;
  macd = Number.NaN;
  signal = Number.NaN;
  histogram = Number.NaN;

  constructor(fastPeriod = 12, slowPeriod = 26, signalPeriod = 9) {
    this.fastPeriod = checkPeriod('macd', 'fast period', fastPeriod, 2);
    this.slowPeriod = checkPeriod('macd', 'slow period', slowPeriod, 2);
    this.signalPeriod = checkPeriod('macd', 'signal period', signalPeriod, 1);
    if (fastPeriod >= slowPeriod) {
      throw new IndicatorError(
        IndicatorErrorCode.INVALID_PARAMETER,
        `macd: fast period (${fastPeriod}) must be shorter than slow period (${slowPeriod})`,
      );
    }
    this.#fast = new Ema(fastPeriod);
    this.#slow = new Ema(slowPeriod);
    this.#signal = new Ema(signalPeriod);
    this.warmup = slowPeriod + signalPeriod - 1;
  }

  /** Feeds one close; returns the MACD line (NaN until warm). */
  update(x: number): number {
    this.push(x);
    return this.macd;
  }

  /** `update` without its result (read `macd`, `signal`, `histogram`: NaN until warm): a double returned from a call that is not inlined is boxed. */
  push(x: number): void {
    const n = this.#count++;
    const slowEma = this.#slow;
    slowEma.push(x);
    if (n < this.slowPeriod - this.fastPeriod) return;
    const fastEma = this.#fast;
    fastEma.push(x);
    if (n < this.slowPeriod - 1) return;
    // Both are warm here (the slow one has seen slowPeriod closes, the fast one fastPeriod).
    const line = fastEma.value - slowEma.value;
    const signalEma = this.#signal;
    signalEma.push(line);
    const signal = signalEma.value;
    if (Number.isNaN(signal)) return;
    this.macd = line;
    this.signal = signal;
    this.histogram = line - signal;
  }

  reset(): void {
    this.#fast.reset();
    this.#slow.reset();
    this.#signal.reset();
    this.#count = 0;
    this.macd = Number.NaN;
    this.signal = Number.NaN;
    this.histogram = Number.NaN;
  }
}
