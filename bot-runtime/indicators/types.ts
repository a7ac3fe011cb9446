// The shapes strategies program against. Every indicator class fits one of
// them; `update` returns NaN until `warmup` inputs have been seen.

/** Fed one number per candle (usually the close). Rsi, Sma, Ema, Macd, Bollinger. */
export interface SeriesIndicator {
  readonly warmup: number;
  update(value: number): number;
  reset(): void;
}

/** Fed high, low and close. Stochastic, Atr. */
export interface RangeIndicator {
  readonly warmup: number;
  update(high: number, low: number, close: number): number;
  reset(): void;
}

/** Fed high, low, close and volume. Mfi, AccumulationDistribution. */
export interface VolumeIndicator {
  readonly warmup: number;
  update(high: number, low: number, close: number, volume: number): number;
  reset(): void;
}
