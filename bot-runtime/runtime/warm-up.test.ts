// The executor's warm-up trades a scratch copy of its kernel on a synthetic
// market: it must really trade (entries, signal exits, stops, partial fills,
// on every market, with limit orders too), never hold a position the bot could
// not (short), and leave the executor's own kernel and ledger as they were.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultInstrument } from '../backtest/runner.ts';
import { dec } from '../domain/index.ts';
import { parseTimeframe } from '../market-data/index.ts';
import { DEFAULT_RISK_POLICY } from '../risk/engine.ts';
import { demoExecutor } from './demo-executor.ts';
import { loadRunManifest } from './manifest.ts';
import { WARM_UP_CANDLES, type WarmUpOptions, warmUpFillPath, warmUpKernel } from './warm-up.ts';

const bots = join(import.meta.dirname, '..', '..', 'examples', 'bots');

/** A bot of examples/bots, as the roles build its executor's kernel. */
async function warmUpOptions(file: string): Promise<WarmUpOptions> {
  const { bot, policy } = await loadRunManifest(join(bots, file));
  return {
    bot,
    policy,
    markets: bot.symbols.map((symbol) => ({ symbol, instrument: defaultInstrument(symbol) })),
    timeframeMs: parseTimeframe(bot.timeframe),
    cash: dec(bot.capital.amount),
  };
}

describe('warmUpKernel', () => {
  it.each([
    ['demo.yaml', 'market orders on one market'],
    ['multi-symbol.yaml', 'several markets'],
    ['bollinger-paper.yaml', 'limit orders'],
  ])('%s (%s): entries, signal exits, stops and partial fills on every market, never short', async (file) => {
    const options = await warmUpOptions(file);
    const { kernel, candles } = warmUpKernel(options);
    expect(candles).toBeGreaterThanOrEqual(WARM_UP_CANDLES);
    const fills = kernel.fills;
    const trades = kernel.trades;
    for (const { symbol } of options.markets) {
      const own = fills.filter((f) => f.symbol === symbol);
      expect(own.length, symbol).toBeGreaterThan(100);
      // A long-only bot: the position, fill by fill, never below zero.
      let position = dec(0);
      for (const f of own) {
        position = f.side === 'BUY' ? position.plus(f.quantity) : position.minus(f.quantity);
        expect(position.isNegative(), `${symbol} short after ${f.tradeId}`).toBe(false);
      }
      const closed = trades.filter((t) => t.symbol === symbol);
      expect(
        closed.some((t) => t.exitReason === 'stopLoss'),
        `${symbol} stops`,
      ).toBe(true);
      expect(
        closed.some((t) => t.exitReason === 'signal'),
        `${symbol} signal exits`,
      ).toBe(true);
    }
    // Thin candles fill an order in parts.
    const perOrder = new Map<string, number>();
    for (const f of fills) perOrder.set(f.orderId, (perOrder.get(f.orderId) ?? 0) + 1);
    expect([...perOrder.values()].some((n) => n > 1)).toBe(true);
  });

  it('makes the same run every time', async () => {
    const options = await warmUpOptions('demo.yaml');
    const a = warmUpKernel(options).kernel;
    const b = warmUpKernel(options).kernel;
    expect(JSON.stringify(b.fills)).toBe(JSON.stringify(a.fills));
    expect(b.fillCount).toBeGreaterThan(1000);
  });

  it('trades on through the bot’s own loss halts and emergency halt', async () => {
    const options = await warmUpOptions('demo.yaml');
    const halted = warmUpFillPath({
      ...options,
      policy: {
        ...DEFAULT_RISK_POLICY,
        maxDrawdownPercent: '1',
        maxDailyLossPercent: '1',
        halt: true,
        haltReason: 'incident',
      },
    });
    expect(halted.fills).toBeGreaterThan(1000);
    expect(halted.candles).toBe(WARM_UP_CANDLES);
  });
});

describe('Executor.warmUp', () => {
  /** The demo executor stepped over its first candles with their signals, warmed up first or not: what it recorded. */
  async function stepDemo(warm: boolean) {
    const demo = await demoExecutor();
    const { executor, ledger } = demo;
    try {
      if (warm) {
        const report = executor.warmUp();
        expect(report.fills).toBeGreaterThan(1000);
        expect(executor.kernel.candles).toBe(0);
        expect(executor.kernel.fillCount).toBe(0);
        expect(executor.kernel.orderCount).toBe(0);
      }
      await executor.recover();
      for (let i = 0; i < 600; i++) await demo.next();
      const k = executor.kernel;
      return {
        kernel: JSON.stringify([k.orders, k.fills, k.trades, k.risk.denials]),
        ledger: JSON.stringify([await ledger.orders(), await ledger.fills(), await ledger.equity()]),
        fills: k.fillCount,
      };
    } finally {
      await demo.close();
    }
  }

  it('leaves the executor’s kernel and ledger as they were: the same candles record the same', async () => {
    const cold = await stepDemo(false);
    const warm = await stepDemo(true);
    expect(cold.fills).toBeGreaterThan(5);
    expect(warm.kernel).toBe(cold.kernel);
    expect(warm.ledger).toBe(cold.ledger);
  }, 60_000);
});
