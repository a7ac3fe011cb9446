// An ONNX strategy through the whole backtest, on real candles and the real
// onnxruntime: it trades, it is deterministic, and cutting the data never
// changes a decision made before the cut (each answer uses only its window).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type TradingBotSpec, tradingBotSpec } from '../../../crds/index.ts';
import { runBacktest } from '../../backtest/runner.ts';
import { type CandleSeries, loadCandlesCsv } from '../../market-data/index.ts';
import { prepareBacktestStrategies } from './backtest-strategies.ts';

/** The models dir: configMapRef {name: models, key: momentum.onnx} is examples/models/momentum.onnx. */
const EXAMPLES = fileURLToPath(new URL('../../../examples', import.meta.url));
const candles = (name: string): CandleSeries =>
  loadCandlesCsv(fileURLToPath(new URL(`../../../../shared/data/candles/${name}_5m.csv`, import.meta.url)), {
    gaps: 'keep',
  }).series;

function bot(spec: Record<string, unknown>): TradingBotSpec {
  return tradingBotSpec(
    {
      exchange: { name: 'binance' },
      timeframe: '5m',
      capital: { amount: '1', currency: 'BTC' },
      ...spec,
    },
    'onnx',
  );
}

const model = (symbols?: string[]) => ({
  name: 'model',
  type: 'onnx',
  ...(symbols ? { symbols } : {}),
  onnx: {
    model: { configMapRef: { name: 'models', key: 'momentum.onnx' } },
    inputWindow: 48,
    features: ['close', 'volume'],
    buyThreshold: 0.65,
    sellThreshold: 0.35,
  },
});

const cut = (s: CandleSeries, n: number): CandleSeries => ({ ...s, length: n });

async function backtest(b: TradingBotSpec, markets: { symbol: string; series: CandleSeries }[]) {
  const { strategyFactory } = await prepareBacktestStrategies(b, markets, EXAMPLES);
  return runBacktest({ bot: b, markets, strategyFactory });
}

describe('ONNX strategies in a backtest', () => {
  const eth = candles('ETH-BTC');
  const onnxBot = bot({ symbols: ['ETH/BTC'], strategies: [model()] });

  it('trade, and two runs give identical trades and fills', async () => {
    const a = await backtest(onnxBot, [{ symbol: 'ETH/BTC', series: eth }]);
    const b = await backtest(onnxBot, [{ symbol: 'ETH/BTC', series: eth }]);
    expect(a.kernel.trades.length).toBeGreaterThan(10);
    expect(a.kernel.trades.every((t) => t.strategies.includes('model'))).toBe(true);
    expect(b.kernel.trades).toEqual(a.kernel.trades);
    expect(b.kernel.fills).toEqual(a.kernel.fills);
  });

  it('never change a decision made before a cut of the data', async () => {
    const full = await backtest(onnxBot, [{ symbol: 'ETH/BTC', series: eth }]);
    for (const n of [700, 3100]) {
      const cutT = eth.time[n - 1]! + 300_000;
      const part = await backtest(onnxBot, [{ symbol: 'ETH/BTC', series: cut(eth, n) }]);
      const ids = (orders: readonly { id: string; side: string; quantity: string; ts: number }[]) =>
        orders.map(({ id, side, quantity, ts }) => ({ id, side, quantity, ts }));
      expect(part.kernel.orders.length).toBeGreaterThan(0);
      expect(ids(part.kernel.orders)).toEqual(ids(full.kernel.orders.filter((o) => o.ts <= cutT)));
    }
  });

  it('trade only the symbols the strategy lists, beside the built-in strategies', async () => {
    const b = bot({
      symbols: ['ETH/BTC', 'LTC/BTC'],
      strategies: [model(['LTC/BTC']), { name: 'rsi', type: 'rsi', symbols: ['ETH/BTC'], rsi: {} }],
    });
    const r = await backtest(b, [
      { symbol: 'ETH/BTC', series: eth },
      { symbol: 'LTC/BTC', series: candles('LTC-BTC') },
    ]);
    const bySymbol = (s: string) =>
      new Set(r.kernel.trades.filter((t) => t.symbol === s).flatMap((t) => t.strategies));
    expect(bySymbol('LTC/BTC')).toEqual(new Set(['model']));
    expect(bySymbol('ETH/BTC')).toEqual(new Set(['rsi']));
  });

  it('refuses a model file that is not there, naming the field and the path', async () => {
    const error = await prepareBacktestStrategies(
      onnxBot,
      [{ symbol: 'ETH/BTC', series: eth }],
      '/nowhere',
    ).catch((e: unknown) => e as Error);
    expect(String(error)).toMatch(
      /STRATEGY_MODEL_INVALID: strategies\[0\]\.onnx\.model\.configMapRef: \/nowhere\/models\/momentum\.onnx: no such file/,
    );
  });
});
