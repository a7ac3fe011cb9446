export { BollingerStrategy } from './bollinger.ts';
export { type CombineMethod, Ensemble } from './ensemble.ts';
export { MacdStrategy } from './macd.ts';
export { OnnxStrategy, onnxWarmup, type ProbabilitySource } from './onnx.ts';
export { defaultParams, type ParamsByType, resolveParams } from './params.ts';
export { ensembleFor, strategiesFor } from './per-symbol.ts';
export { createStrategy, STRATEGY_TYPES, type StrategyInputs, strategyWeight } from './registry.ts';
export { RsiStrategy } from './rsi.ts';
export { K_SMOOTHING, StochasticStrategy } from './stochastic.ts';
export {
  SIGNAL,
  type Signal,
  type Strategy,
  StrategyError,
  StrategyErrorCode,
  type StrategyType,
} from './types.ts';
export { VolumeStrategy } from './volume.ts';
