import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareBacktestStrategies } from '../ai/onnx/index.ts';
import { runBacktest } from '../backtest/runner.ts';
import { loadCandles } from '../market-data/index.ts';
import { demoData as data, demoOnePass, root, startLocal, steppedThrough } from './fake-standalone.ts';

/** configMapRef {name: models, key: momentum.onnx} resolves to examples/models/momentum.onnx. */
const modelsDir = join(root, 'examples');

describe('botcore run with an ONNX strategy', () => {
  it('trades exactly as the backtest of the same manifest', async () => {
    const demo = await demoOnePass();
    const onnx = {
      name: 'model',
      type: 'onnx' as const,
      weight: '1',
      onnx: {
        model: { configMapRef: { name: 'models', key: 'momentum.onnx' } },
        inputWindow: 32,
        features: ['close' as const],
        buyThreshold: 0.6,
        sellThreshold: 0.4,
      },
    };
    const manifest = {
      ...demo,
      bot: {
        ...demo.bot,
        strategies: [onnx],
      },
    };
    const bot = await startLocal(manifest, { modelsDir });
    try {
      await bot.replayDone;
      const markets = [{ symbol: 'ETH/BTC', series: loadCandles(data, { gaps: 'keep' }).series }];
      // The feed is done; the worker's model calls may still be catching up with it.
      await steppedThrough(bot.executor, markets[0]!.series.length);
      const { strategyFactory } = await prepareBacktestStrategies(manifest.bot, markets, modelsDir);
      const reference = runBacktest({ bot: manifest.bot, markets, strategyFactory }).kernel;
      expect(reference.trades.length).toBeGreaterThan(5);
      expect(bot.executor.kernel.trades).toEqual(reference.trades);
    } finally {
      await bot.stop();
    }
  }, 60_000);
});
