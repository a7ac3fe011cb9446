// Which of a manifest's strategies trade a symbol, and how their signals are
// combined there: one answer for the kernel, the strategy workers, the
// executor's signal join and the advisor's review.
import type { Strategy as StrategySpec, TradingBotSpec } from '../../crds/index.ts';
import { Ensemble } from './ensemble.ts';
import { strategyWeight } from './registry.ts';

/** The strategies that trade `symbol` (those listing it, and those listing none), in manifest order. */
export function strategiesFor(bot: TradingBotSpec, symbol: string): { spec: StrategySpec; index: number }[] {
  return bot.strategies
    .map((spec, index) => ({ spec, index }))
    .filter(({ spec }) => !spec.symbols || spec.symbols.includes(symbol));
}

/** `spec.combine` over the weights of the strategies that trade `symbol` (one weight when none does). */
export function ensembleFor(bot: TradingBotSpec, symbol: string): Ensemble {
  const weights = strategiesFor(bot, symbol).map(({ spec }) => strategyWeight(spec));
  return new Ensemble(bot.combine, weights.length > 0 ? weights : [1]);
}
