// Builds strategies from a TradingBot's `spec.strategies[]` entries.
import type { Strategy as StrategySpec } from '../../crds/index.ts';
import { BollingerStrategy } from './bollinger.ts';
import { MacdStrategy } from './macd.ts';
import { resolveParams } from './params.ts';
import { RsiStrategy } from './rsi.ts';
import { StochasticStrategy } from './stochastic.ts';
import { type Strategy, StrategyError, StrategyErrorCode, type StrategyType } from './types.ts';
import { VolumeStrategy } from './volume.ts';

export const STRATEGY_TYPES: readonly StrategyType[] = ['rsi', 'macd', 'bollinger', 'volume', 'stochastic'];

/** A fresh strategy instance for one symbol. `index` names the field in errors. */
export function createStrategy(spec: StrategySpec, index = 0): Strategy {
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
    default:
      throw new StrategyError(
        StrategyErrorCode.UNSUPPORTED_TYPE,
        `${where}.type`,
        `${spec.type} strategies do not run in the backtest kernel yet (supported: ${STRATEGY_TYPES.join(', ')})`,
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
