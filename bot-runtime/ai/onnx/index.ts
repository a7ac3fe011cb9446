export { type PreparedStrategies, prepareBacktestStrategies } from './backtest-strategies.ts';
export { FeatureWindow, type OnnxFeature } from './features.ts';
export { LiveProbabilities } from './live.ts';
export { type LoadedModel, loadStrategyModel } from './load.ts';
export { type ModelShape, OnnxModel } from './model.ts';
export { DEFAULT_MODELS_DIR, modelFile, modelsDir } from './model-file.ts';
export { PrecomputedProbabilities, precomputeProbabilities } from './precompute.ts';
