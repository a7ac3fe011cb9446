// `botcore run` with an ONNX strategy: the in-process worker loads the model
// from the models dir the way a pod has it mounted, and the bot trades exactly
// as `botcore backtest` of the same manifest and candles.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareBacktestStrategies } from '../ai/onnx/index.ts';
import { runBacktest } from '../backtest/runner.ts';
import { loadCandles } from '../market-data/index.ts';
import { loadRunManifest } from './manifest.ts';
import { startStandalone } from './standalone.ts';

const root = join(import.meta.dirname, '..', '..');
const data = join(root, 'examples', 'data', 'ETH-BTC_5m.csv');
/** configMapRef {name: models, key: momentum.onnx} resolves to examples/models/momentum.onnx. */
const modelsDir = join(root, 'examples');

describe('botcore run with an ONNX strategy', () => {
  it('trades exactly as the backtest of the same manifest', async () => {
    const demo = await loadRunManifest(join(root, 'examples', 'bots', 'demo.yaml'));
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
        marketData: { ...demo.bot.marketData, replay: { ...demo.bot.marketData.replay!, loop: false } },
      },
    };
    const bot = await startStandalone({
      manifest,
      stateDir: mkdtempSync(join(tmpdir(), 'botcore-standalone-onnx-')),
      host: '127.0.0.1',
      port: 0,
      speed: 0,
      cwd: root,
      modelsDir,
    });
    try {
      await bot.replayDone;
      const markets = [{ symbol: 'ETH/BTC', series: loadCandles(data, { gaps: 'keep' }).series }];
      // The feed is done; the worker's model calls may still be catching up with it.
      for (;;) {
        await bot.executor.settle();
        if (bot.executor.kernel.candles === markets[0]!.series.length) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const { strategyFactory } = await prepareBacktestStrategies(manifest.bot, markets, modelsDir);
      const reference = runBacktest({ bot: manifest.bot, markets, strategyFactory }).kernel;
      expect(reference.trades.length).toBeGreaterThan(5);
      expect(bot.executor.kernel.trades).toEqual(reference.trades);
    } finally {
      await bot.stop();
    }
  }, 60_000);
});
