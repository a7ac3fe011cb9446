// Volume measures: on-balance volume and the Chaikin accumulation/distribution
// line, both cumulative from the first candle exactly as TA-Lib's OBV and AD.
// (The average volume is the SMA of the volume column: see the registry.)

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
