export { Atr } from './atr.ts';
export * from './batch.ts';
export { Bollinger, type BollingerOptions } from './bollinger.ts';
export { Ema } from './ema.ts';
export { Macd } from './macd.ts';
export { Mfi } from './mfi.ts';
export { IndicatorError, IndicatorErrorCode } from './params.ts';
export {
  findIndicator,
  INDICATORS,
  type IndicatorDefinition,
  indicatorRows,
  resolveParams,
} from './registry.ts';
export { RollingMax, RollingMin } from './rolling-extreme.ts';
export { Rsi } from './rsi.ts';
export { Sma } from './sma.ts';
export { Stochastic } from './stochastic.ts';
export type { RangeIndicator, SeriesIndicator, VolumeIndicator } from './types.ts';
export { AccumulationDistribution, Obv, Vwap } from './volume.ts';
