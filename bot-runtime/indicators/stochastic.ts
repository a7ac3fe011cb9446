import { checkPeriod } from './params.ts';
import { RollingMax, RollingMin } from './rolling-extreme.ts';
import { Sma } from './sma.ts';

/**
 * Slow stochastic as TA-Lib's STOCH with SMA smoothing: fast %K over
 * `kPeriod` candles, %K = SMA(fast %K, kSmoothing), %D = SMA(%K, dPeriod).
 * `k` and `d` appear together once %D is defined, as in TA-Lib. A
 * `kSmoothing` of 1 gives the fast stochastic (TA-Lib's STOCHF). When the
 * window's high equals its low, fast %K is 0 (TA-Lib's choice).
 */
export class Stochastic {
  readonly kPeriod: number;
  readonly kSmoothing: number;
  readonly dPeriod: number;
  readonly warmup: number;
  readonly #high: RollingMax;
  readonly #low: RollingMin;
  readonly #slowK: Sma;
  readonly #d: Sma;
  #count = 0;
  k = Number.NaN;
  d = Number.NaN;

  constructor(kPeriod = 14, kSmoothing = 3, dPeriod = 3) {
    this.kPeriod = checkPeriod('stochastic', 'k period', kPeriod);
    this.kSmoothing = checkPeriod('stochastic', 'k smoothing', kSmoothing);
    this.dPeriod = checkPeriod('stochastic', 'd period', dPeriod);
    this.#high = new RollingMax(kPeriod);
    this.#low = new RollingMin(kPeriod);
    this.#slowK = new Sma(kSmoothing);
    this.#d = new Sma(dPeriod);
    this.warmup = kPeriod + kSmoothing + dPeriod - 2;
  }

  /** Feeds one candle; returns %K (NaN until %D is defined). */
  update(high: number, low: number, close: number): number {
    const highest = this.#high.update(high);
    const lowest = this.#low.update(low);
    if (++this.#count < this.kPeriod) return Number.NaN;
    const diff = (highest - lowest) / 100;
    const fastK = diff !== 0 ? (close - lowest) / diff : 0;
    const k = this.#slowK.update(fastK);
    if (Number.isNaN(k)) return Number.NaN;
    const d = this.#d.update(k);
    if (Number.isNaN(d)) return Number.NaN;
    this.k = k;
    this.d = d;
    return k;
  }

  reset(): void {
    this.#high.reset();
    this.#low.reset();
    this.#slowK.reset();
    this.#d.reset();
    this.#count = 0;
    this.k = Number.NaN;
    this.d = Number.NaN;
  }
}
