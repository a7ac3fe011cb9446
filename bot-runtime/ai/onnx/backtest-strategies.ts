// The strategies of a backtest whose manifest has ONNX strategies: each model
// loaded once, its answers computed for every market before the candle loop
// (precompute.ts), then the kernel's usual strategies with those answers
// attached. Without ONNX strategies there is nothing to prepare and the
// kernel builds its strategies itself.
import type { TradingBotSpec } from '../../../crds/index.ts';
import { alignTimeframe } from '../../backtest/runner.ts';
import type { KernelOptions } from '../../kernel/index.ts';
import type { CandleSeries } from '../../market-data/index.ts';
import { createStrategy, type ProbabilitySource, strategiesFor } from '../../strategies/index.ts';
import { loadStrategyModel } from './load.ts';
import { precomputeProbabilities } from './precompute.ts';

export interface PreparedStrategies {
  /** For runBacktest's `strategyFactory`; undefined when the bot has no ONNX strategy. */
  readonly strategyFactory?: KernelOptions['strategyFactory'];
}

export async function prepareBacktestStrategies(
  bot: TradingBotSpec,
  markets: readonly { symbol: string; series: CandleSeries }[],
  modelsDir: string,
  onProgress?: (done: number, total: number) => void,
): Promise<PreparedStrategies> {
  const onnx = bot.strategies
    .map((spec, index) => ({ spec, index }))
    .filter(({ spec }) => spec.type === 'onnx');
  if (onnx.length === 0) return {};
  // The runner resamples to spec.timeframe; the model must see the same candles.
  const series = new Map(
    markets.map((m) => [m.symbol, alignTimeframe(m.series, bot.timeframe, [], m.symbol)]),
  );
  const total = onnx.length * [...series.values()].reduce((a, s) => a + s.length, 0);
  let done = 0;
  const answers = new Map<string, ProbabilitySource>();
  for (const { spec, index } of onnx) {
    const { model, params } = await loadStrategyModel(spec, index, modelsDir);
    try {
      for (const [symbol, s] of series) {
        if (spec.symbols && !spec.symbols.includes(symbol)) continue;
        const base = done;
        const table = await precomputeProbabilities(model, params, s, (n) => onProgress?.(base + n, total));
        answers.set(`${index}/${symbol}`, table);
        done += s.length;
      }
    } finally {
      await model.release();
    }
  }
  return {
    strategyFactory: (symbol) =>
      strategiesFor(bot, symbol).map(({ spec, index }) =>
        createStrategy(spec, index, { probabilities: answers.get(`${index}/${symbol}`) }),
      ),
  };
}
