import { checkPeriod } from './params.ts';

/**
 * Slow stochastic as TA-Lib's STOCH with SMA smoothing: fast %K over
 * `kPeriod` candles, %K = SMA(fast %K, kSmoothing), %D = SMA(%K, dPeriod).
 * `k` and `d` appear together once %D is defined, as in TA-Lib. A
 * `kSmoothing` of 1 gives the fast stochastic (TA-Lib's STOCHF). When the
 * window's high equals its low, fast %K is 0 (TA-Lib's choice).
 *
 * One flat class on purpose: the highest high and lowest low (the block
 * algorithm of rolling-extreme.ts) and both SMAs (TA-Lib's running totals) are
 * inlined, because calling four small objects per candle defeats V8's inlining
 * and boxes every returned double (about 3x slower, with GC churn).
 */
export class Stochastic {
  readonly kPeriod: number;
  readonly kSmoothing: number;
  readonly dPeriod: number;
  readonly warmup: number;
  // Highest high / lowest low over kPeriod: current block and suffix extremes of the previous one.
  readonly #hiBlock: Float64Array;
  readonly #loBlock: Float64Array;
  readonly #hiSuffix: Float64Array;
  readonly #loSuffix: Float64Array;
  #pos = 0;
  #hiPrefix = Number.NEGATIVE_INFINITY;
  #loPrefix = Number.POSITIVE_INFINITY;
  // SMA of fast %K and SMA of %K: ring buffers and running totals.
  readonly #kBuf: Float64Array;
  readonly #dBuf: Float64Array;
  #kIdx = 0;
  #dIdx = 0;
  #kTotal = 0;
  #dTotal = 0;
  #count = 0;
  k = Number.NaN;
  d = Number.NaN;

  constructor(kPeriod = 14, kSmoothing = 3, dPeriod = 3) {
    this.kPeriod = checkPeriod('stochastic', 'k period', kPeriod);
    this.kSmoothing = checkPeriod('stochastic', 'k smoothing', kSmoothing);
    this.dPeriod = checkPeriod('stochastic', 'd period', dPeriod);
    this.#hiBlock = new Float64Array(kPeriod);
    this.#loBlock = new Float64Array(kPeriod);
    this.#hiSuffix = new Float64Array(kPeriod).fill(Number.NEGATIVE_INFINITY);
    this.#loSuffix = new Float64Array(kPeriod).fill(Number.POSITIVE_INFINITY);
    this.#kBuf = new Float64Array(kSmoothing);
    this.#dBuf = new Float64Array(dPeriod);
    this.warmup = kPeriod + kSmoothing + dPeriod - 2;
  }

  /** Feeds one candle; returns %K (NaN until %D is defined). */
  update(high: number, low: number, close: number): number {
    this.push(high, low, close);
    return this.k;
  }

  /** `update` without its result (read `k` and `d`: NaN until %D is defined): a double returned from a call that is not inlined is boxed. */
  push(high: number, low: number, close: number): void {
    // Window extremes.
    const p = this.kPeriod;
    const pos = this.#pos;
    this.#hiBlock[pos] = high;
    this.#loBlock[pos] = low;
    const hiPrefix = high > this.#hiPrefix ? high : this.#hiPrefix;
    const loPrefix = low < this.#loPrefix ? low : this.#loPrefix;
    let highest = hiPrefix;
    let lowest = loPrefix;
    if (pos + 1 < p) {
      const hiTail = this.#hiSuffix[pos + 1]!;
      const loTail = this.#loSuffix[pos + 1]!;
      if (hiTail > highest) highest = hiTail;
      if (loTail < lowest) lowest = loTail;
      this.#hiPrefix = hiPrefix;
      this.#loPrefix = loPrefix;
      this.#pos = pos + 1;
    } else {
      this.#closeBlock();
    }
    const count = ++this.#count;
    if (count < p) return;

    // Fast %K, then its SMA (TA-Lib: add, divide, subtract the oldest).
    const diff = (highest - lowest) / 100;
    const fastK = diff !== 0 ? (close - lowest) / diff : 0;
    const ks = this.kSmoothing;
    this.#kTotal += fastK;
    const kBuf = this.#kBuf;
    kBuf[this.#kIdx] = fastK;
    const kIdx = this.#kIdx + 1 === ks ? 0 : this.#kIdx + 1;
    this.#kIdx = kIdx;
    if (count < p + ks - 1) return;
    const k = this.#kTotal / ks;
    this.#kTotal -= kBuf[kIdx]!;

    // %D = SMA of %K.
    const dp = this.dPeriod;
    this.#dTotal += k;
    const dBuf = this.#dBuf;
    dBuf[this.#dIdx] = k;
    const dIdx = this.#dIdx + 1 === dp ? 0 : this.#dIdx + 1;
    this.#dIdx = dIdx;
    if (count < p + ks + dp - 2) return;
    const d = this.#dTotal / dp;
    this.#dTotal -= dBuf[dIdx]!;
    this.k = k;
    this.d = d;
  }

  /** The block is full: its suffix extremes serve the next kPeriod windows. */
  #closeBlock(): void {
    const p = this.kPeriod;
    const hb = this.#hiBlock;
    const lb = this.#loBlock;
    const hs = this.#hiSuffix;
    const ls = this.#loSuffix;
    let hm = hb[p - 1]!;
    let lm = lb[p - 1]!;
    hs[p - 1] = hm;
    ls[p - 1] = lm;
    for (let i = p - 2; i >= 0; i--) {
      const h = hb[i]!;
      const l = lb[i]!;
      if (h > hm) hm = h;
      if (l < lm) lm = l;
      hs[i] = hm;
      ls[i] = lm;
    }
    this.#hiPrefix = Number.NEGATIVE_INFINITY;
    this.#loPrefix = Number.POSITIVE_INFINITY;
    this.#pos = 0;
  }

  reset(): void {
    this.#hiSuffix.fill(Number.NEGATIVE_INFINITY);
    this.#loSuffix.fill(Number.POSITIVE_INFINITY);
    this.#pos = 0;
    this.#hiPrefix = Number.NEGATIVE_INFINITY;
    this.#loPrefix = Number.POSITIVE_INFINITY;
    this.#kBuf.fill(0);
    this.#dBuf.fill(0);
    this.#kIdx = 0;
    this.#dIdx = 0;
    this.#kTotal = 0;
    this.#dTotal = 0;
    this.#count = 0;
    this.k = Number.NaN;
    this.d = Number.NaN;
  }
}
