// An ONNX strategy in its worker, on the in-process bus, with the real
// onnxruntime: it loads its model from the models dir (a mounted ConfigMap),
// publishes one signal per candle in candle order, and those signals are the
// ones a backtest of the same candles decides.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type TradingBotSpec, tradingBotSpec } from '../../crds/index.ts';
import { type PrecomputedProbabilities, precomputeProbabilities } from '../ai/onnx/index.ts';
import { loadStrategyModel } from '../ai/onnx/load.ts';
import { InProcessBus } from '../bus/in-process-bus.ts';
import { loadCandlesCsv } from '../market-data/index.ts';
import { createStrategy } from '../strategies/index.ts';
import { type SignalMessage, StrategyWorker } from './signals.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));
const eth = loadCandlesCsv(
  fileURLToPath(new URL('../../../shared/data/candles/ETH-BTC_5m.csv', import.meta.url)),
  {
    gaps: 'keep',
  },
).series;
const N = 600;

function bot(model: Record<string, unknown>): TradingBotSpec {
  return tradingBotSpec(
    {
      exchange: { name: 'binance' },
      symbols: ['ETH/BTC'],
      timeframe: '5m',
      capital: { amount: '1', currency: 'BTC' },
      strategies: [
        {
          name: 'model',
          type: 'onnx',
          onnx: { model, inputWindow: 24, features: ['close'], buyThreshold: 0.6, sellThreshold: 0.4 },
        },
      ],
    },
    'onnx',
  );
}

const fromConfigMap = bot({ configMapRef: { name: 'models', key: 'momentum.onnx' } });
let bus: InProcessBus | undefined;
let worker: StrategyWorker | undefined;
afterEach(async () => {
  await worker?.stop();
  await bus?.close();
});

describe('an ONNX strategy worker', () => {
  it('publishes, candle by candle, the signals the backtest path decides', async () => {
    bus = new InProcessBus();
    worker = new StrategyWorker({ bus, bot: fromConfigMap, strategy: 'model', modelsDir: EXAMPLES });
    await worker.start();
    for (let i = 0; i < N; i++) {
      const candle = {
        t: eth.time[i]!,
        open: eth.open[i]!,
        high: eth.high[i]!,
        low: eth.low[i]!,
        close: eth.close[i]!,
        volume: eth.volume[i]!,
      };
      bus.publishMarketData({ symbol: 'ETH/BTC', timeframe: '5m', candle });
    }
    await worker.stop();
    const got = (
      await bus.fetchEvents<SignalMessage>('signals', { name: 'test-signals', maxAckPending: N }, N, 100)
    ).map((d) => d.payload);

    const { model, params } = await loadStrategyModel(fromConfigMap.strategies[0]!, 0, EXAMPLES);
    const table: PrecomputedProbabilities = await precomputeProbabilities(model, params, {
      ...eth,
      length: N,
    });
    await model.release();
    const backtest = createStrategy(fromConfigMap.strategies[0]!, 0, { probabilities: table });
    const want = Array.from({ length: N }, (_, i) => ({
      strategy: 'model',
      symbol: 'ETH/BTC',
      t: eth.time[i]!,
      signal: backtest.onBar(eth.time[i]!, 0, 0, 0, 0, 0),
      ready: backtest.ready,
    }));
    expect(got).toEqual(want);
    expect(got.filter((s) => s.signal !== 0).length).toBeGreaterThan(10);
    expect(worker.ready).toBe(true);
  });

  it('does not start when its model is missing, naming the field and the file', async () => {
    bus = new InProcessBus();
    worker = new StrategyWorker({ bus, bot: fromConfigMap, strategy: 'model', modelsDir: '/var/empty' });
    await expect(worker.start()).rejects.toThrow(
      'STRATEGY_MODEL_INVALID: strategies[0].onnx.model.configMapRef: /var/empty/models/momentum.onnx: no such file',
    );
  });
});
