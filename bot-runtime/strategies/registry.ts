// Builds strategies from a TradingBot's `spec.strategies[]` entries.
import type { Strategy as StrategySpec } from '../../crds/index.ts';
import { BollingerStrategy } from './bollinger.ts';
import { MacdStrategy } from './macd.ts';
import { OnnxStrategy, type ProbabilitySource } from './onnx.ts';
import { resolveParams } from './params.ts';
import { RsiStrategy } from './rsi.ts';
import { StochasticStrategy } from './stochastic.ts';
import { type Strategy, StrategyError, StrategyErrorCode, type StrategyType } from './types.ts';
import { VolumeStrategy } from './volume.ts';

export const STRATEGY_TYPES: readonly StrategyType[] = [
  'rsi',
  'macd',
  'bollinger',
  'volume',
  'stochastic',
  'onnx',
];

/** What a strategy needs beyond its parameters: the model answers of an `onnx` strategy. */
export interface StrategyInputs {
  readonly probabilities?: ProbabilitySource;
}

/**
 * A fresh strategy instance for one symbol. `index` names the field in errors.
 * An `onnx` strategy without `inputs.probabilities` knows its parameters and
 * warm-up but refuses to trade (STRATEGY_MODEL_NOT_LOADED on its first candle).
 */
export function createStrategy(spec: StrategySpec, index = 0, inputs: StrategyInputs = {}): Strategy {
  const where = `strategies[${index}]`;
  switch (spec.type) {
    case 'rsi':
      return new RsiStrategy(spec.name, resolveParams('rsi', spec.rsi, `${where}.rsi`));
    case 'macd':
      return new MacdStrategy(spec.name, resolveParams('macd', spec.macd, `${where}.macd`));
    case 'bollinger':
      return new BollingerStrategy(
        spec.name,
        resolveParams('bollinger', spec.bollinger, `${where}.bollinger`),
      );
    case 'volume':
      return new VolumeStrategy(spec.name, resolveParams('volume', spec.volume, `${where}.volume`));
    case 'stochastic':
      return new StochasticStrategy(
        spec.name,
        resolveParams('stochastic', spec.stochastic, `${where}.stochastic`),
      );
    case 'onnx':
      return new OnnxStrategy(spec.name, spec.onnx as never, inputs.probabilities, `${where}.onnx`);
    default:
      throw new StrategyError(
        StrategyErrorCode.UNSUPPORTED_TYPE,
        `${where}.type`,
        `unknown strategy type ${JSON.stringify(spec.type)} (supported: ${STRATEGY_TYPES.join(', ')})`,
      );
  }
}

/** The weight of a strategy as a number (weights are ratios, not money). */
export function strategyWeight(spec: StrategySpec): number {
  const w = Number(spec.weight ?? '1');
  if (!(w > 0) || !Number.isFinite(w)) {
    throw new StrategyError(StrategyErrorCode.INVALID_PARAMETER, 'weight', `must be > 0, got ${spec.weight}`);
  }
  return w;
}
