import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultInstrument } from '../backtest/runner.ts';
import { InProcessBus } from '../bus/in-process-bus.ts';
import { candleAt, loadCandles } from '../market-data/index.ts';
import { FileLedger } from '../store/file-ledger.ts';
import { createStrategy } from '../strategies/index.ts';
import { Executor } from './executor.ts';
import { loadRunManifest } from './manifest.ts';
import { SignalJoin } from './signals.ts';

const root = join(import.meta.dirname, '..', '..');

async function setup(options: { ledgerPath?: string; orderIdPrefix?: string } = {}) {
  const { bot } = await loadRunManifest(join(root, 'examples', 'bots', 'demo.yaml'));
  const series = loadCandles(join(root, 'examples', 'data', 'ETH-BTC_5m.csv'), { gaps: 'keep' }).series;
  const bus = new InProcessBus();
  const ledger = await FileLedger.open(
    options.ledgerPath ?? join(mkdtempSync(join(tmpdir(), 'botcore-executor-')), 'ledger.jsonl'),
  );
  const signals = new SignalJoin(bot);
  const executor = new Executor({
    bus,
    ledger,
    bot,
    markets: [{ symbol: 'ETH/BTC', instrument: defaultInstrument('ETH/BTC') }],
    timeframeMs: series.timeframeMs,
    join: signals,
    ...(options.orderIdPrefix === undefined ? {} : { orderIdPrefix: options.orderIdPrefix }),
  });
  await executor.recover();
  const strategy = createStrategy(bot.strategies[0]!, 0);
  let i = 0;
  /** One candle through a local strategy worker and the executor. */
  const next = async () => {
    const c = candleAt(series, i++);
    const signal = strategy.onBar(c.t, c.open, c.high, c.low, c.close, c.volume);
    signals.addSignal({ strategy: 'rsi', symbol: 'ETH/BTC', t: c.t, signal, ready: strategy.ready });
    await executor.step('ETH/BTC', c);
    return signal;
  };
  return { executor, ledger, next, close: () => Promise.all([bus.close(), ledger.close()]) };
}

describe('Executor', () => {
  it('halt-and-flatten closes the open position through the kernel, then halts: nothing opens afterwards', async () => {
    const { executor, next, close } = await setup();
    try {
      while (executor.kernel.openTrades().length === 0) await next();
      const first = executor.haltAndFlatten('TradingBot deleted');
      expect(first).toEqual({ done: false, symbols: ['ETH/BTC'] });
      expect(executor.riskView().state).toBe('Active');
      const fills = executor.kernel.fills.length;
      for (let n = 0; n < 3 && !executor.haltAndFlatten('again').done; n++) await next();
      expect(executor.haltAndFlatten('again')).toEqual({ done: true, symbols: ['ETH/BTC'] });
      expect(executor.kernel.openTrades()).toEqual([]);
      // The close is a recorded sell fill, like any other.
      expect(executor.kernel.fills.length).toBeGreaterThan(fills);
      expect(executor.kernel.fills.at(-1)?.side).toBe('SELL');
      expect(executor.applier.position('ETH/BTC')?.quantity.isZero()).toBe(true);
      expect(executor.riskView()).toMatchObject({ state: 'Halted', reason: 'TradingBot deleted' });

      // Buy signals keep coming; no order follows them.
      const orders = executor.kernel.orders.length;
      let buys = 0;
      for (let n = 0; n < 600; n++) if ((await next()) > 0) buys++;
      expect(buys).toBeGreaterThan(0);
      expect(executor.kernel.orders.length).toBe(orders);
    } finally {
      await close();
    }
  });

  it('opens nothing while new positions are blocked (a pod restarted beside open positions)', async () => {
    const { executor, next, close } = await setup();
    try {
      executor.blockNewPositions('the ledger holds open positions');
      let buys = 0;
      for (let n = 0; n < 600; n++) if ((await next()) > 0) buys++;
      expect(buys).toBeGreaterThan(0);
      expect(executor.kernel.orders).toEqual([]);
      expect(executor.blocked).toBe('the ledger holds open positions');
    } finally {
      await close();
    }
  });

  it('a new kernel beside an old ledger (a pod restart) records its fills under this run’s order ids', async () => {
    const ledgerPath = join(mkdtempSync(join(tmpdir(), 'botcore-executor-prefix-')), 'ledger.jsonl');
    const first = await setup({ ledgerPath, orderIdPrefix: 'run1-' });
    for (let n = 0; n < 400; n++) await first.next();
    const made = first.executor.kernel.fills.length;
    expect(made).toBeGreaterThan(2);
    expect((await first.ledger.fills()).map((f) => f.fillId)[0]).toBe('run1-O-1:O-1-1');
    await first.close();
    // The same kernel orders again (O-1, O-2, ...): none of its fills may pass for an old one.
    const second = await setup({ ledgerPath, orderIdPrefix: 'run2-' });
    for (let n = 0; n < 400; n++) await second.next();
    expect(second.executor.kernel.fills.length).toBe(made);
    expect(await second.ledger.fills()).toHaveLength(2 * made);
    await second.close();
  });

  it('a RiskPolicy halt takes effect at once and lifts when the policy says so', async () => {
    const { executor, next, close } = await setup();
    try {
      executor.setHalt(true, 'desk closed');
      expect(executor.riskView()).toMatchObject({ state: 'Halted', reason: 'desk closed' });
      for (let n = 0; n < 300; n++) await next();
      expect(executor.kernel.orders).toEqual([]);
      executor.setHalt(false);
      expect(executor.riskView().state).toBe('Active');
      while (executor.kernel.orders.length === 0) await next();
      expect(executor.kernel.orders[0]?.side).toBe('BUY');
    } finally {
      await close();
    }
  });
});
