// What every strategy looks like to the kernel. A strategy is fed one closed
// candle at a time, as plain numbers, and answers with a numeric signal. It
// never sees a series, an index or the future: the kernel hands it the candle
// that has just closed, so lookahead is impossible by construction.

/** +1 buy, -1 sell, 0 hold. A strategy that is still warming up answers 0. */
export type Signal = -1 | 0 | 1;

export const SIGNAL = { SELL: -1, HOLD: 0, BUY: 1 } as const;

export type StrategyType = 'rsi' | 'macd' | 'bollinger' | 'volume' | 'stochastic' | 'onnx';

export interface Strategy {
  readonly name: string;
  readonly type: StrategyType;
  /** Closed candles fed before the first signal can be other than 0 (indicator warm-up plus one for crosses). */
  readonly warmup: number;
  /** True once `warmup` candles have been seen. */
  readonly ready: boolean;
  /** Resets every indicator: the next candle is the first. */
  onStart(): void;
  /** Feeds one closed candle; returns its signal (0 until ready). */
  onBar(t: number, open: number, high: number, low: number, close: number, volume: number): Signal;
  /**
   * `onBar` with the candle in a column, `[t, open, high, low, close, volume]`
   * (optional). The kernel calls it when a symbol has several strategies: that
   * call site sees several classes and is not inlined, and six doubles passed
   * to a call that is not inlined are six allocations; a typed array is none.
   */
  onBarAt?(bar: Float64Array): Signal;
  /** Nothing to release for the built-in strategies; kept for the lifecycle. */
  onStop(): void;
}

export const StrategyErrorCode = {
  INVALID_PARAMETER: 'INVALID_STRATEGY_PARAMETER',
  UNSUPPORTED_TYPE: 'UNSUPPORTED_STRATEGY_TYPE',
  MODEL_NOT_LOADED: 'STRATEGY_MODEL_NOT_LOADED',
  MODEL_INVALID: 'STRATEGY_MODEL_INVALID',
} as const;
export type StrategyErrorCode = (typeof StrategyErrorCode)[keyof typeof StrategyErrorCode];

export class StrategyError extends Error {
  override readonly name = 'StrategyError';
  readonly code: StrategyErrorCode;
  /** The field, as in the manifest: `strategies[0].rsi.period`. */
  readonly field: string;
  constructor(code: StrategyErrorCode, field: string, message: string) {
    super(`${code}: ${field}: ${message}`);
    this.code = code;
    this.field = field;
  }
}
