import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultInstrument } from '../backtest/runner.ts';
import { dec, type Fill } from '../domain/index.ts';
import type { TradeRecord } from '../kernel/kernel.ts';
import { candleAt } from '../market-data/index.ts';
import { reconcileLedger } from '../recovery/reconcile.ts';
import { portfolioFromFills } from '../recovery/starting-portfolio.ts';
import { FileLedger } from '../store/file-ledger.ts';
import type { Ledger } from '../store/ledger.ts';
import { type DemoExecutorOptions, demoExecutor } from './demo-executor.ts';
import { LedgerGate } from './ledger-gate.ts';

/** The demo executor, recovered, stepped candle by candle (`next`); close() settles its writes and closes. */
async function setup(options: DemoExecutorOptions = {}) {
  const demo = await demoExecutor(options);
  const resumed = await demo.executor.recover();
  return {
    ...demo,
    resumed,
    close: async () => {
      await demo.executor.settle();
      await Promise.all([demo.bus.close(), demo.ledger.close()]);
    },
  };
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

  it('halt-and-flatten is done only once the closing fill is in the ledger, not when the kernel is flat', async () => {
    const gate = new LedgerGate();
    const { executor, next, series, close } = await setup({ wrapLedger: gate.wrap });
    try {
      while (executor.kernel.openTrades().length === 0) await next();
      executor.haltAndFlatten('TradingBot deleted');
      let i = executor.kernel.candles;
      while (executor.kernel.openTrades().length > 0) {
        // The ledger takes nothing from here on until released.
        gate.hold();
        const stepping = executor.step('ETH/BTC', candleAt(series, i++));
        await new Promise((resolve) => setImmediate(resolve));
        if (executor.kernel.openTrades().length > 0) {
          gate.release();
          await stepping;
          continue;
        }
        // Flat and halted in the kernel, the closing fill still on its way to the ledger.
        expect(executor.riskView().state).toBe('Halted');
        expect(executor.haltAndFlatten('again').done).toBe(false);
        gate.release();
        await stepping;
      }
      await executor.settle();
      expect(executor.haltAndFlatten('again')).toEqual({ done: true, symbols: ['ETH/BTC'] });
      expect(executor.applier.position('ETH/BTC')?.quantity.isZero()).toBe(true);
    } finally {
      gate.release();
      await close();
    }
  });

  it('halt-and-flatten asked while an entry order works is not flat until that order is done and nothing is held', async () => {
    const { executor, next, close } = await setup();
    try {
      // A buy signal's order, submitted and not filled yet: no position.
      while (executor.kernel.workingOrderSymbols().length === 0 || executor.kernel.openTrades().length > 0)
        await next();
      const first = executor.haltAndFlatten('TradingBot deleted');
      expect(first).toEqual({ done: false, symbols: ['ETH/BTC'] });
      for (let n = 0; n < 6 && !executor.haltAndFlatten('again').done; n++) await next();
      expect(executor.haltAndFlatten('again').done).toBe(true);
      // Whether the order filled (and was sold) or was canceled, nothing is held or working.
      expect(executor.kernel.openTrades()).toEqual([]);
      expect(executor.kernel.workingOrderSymbols()).toEqual([]);
      expect(executor.applier.position('ETH/BTC')?.quantity.isZero() ?? true).toBe(true);
      expect(executor.riskView()).toMatchObject({ state: 'Halted', reason: 'TradingBot deleted' });
      for (let n = 0; n < 50; n++) await next();
      expect(executor.kernel.openTrades()).toEqual([]);
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

  it('restarted where the feed goes on (seed), the kernel starts from the ledger and closes the held position as if never stopped', async () => {
    const CANDLES = 1500;
    const reference = await setup();
    for (let n = 0; n < CANDLES; n++) await reference.next();
    await reference.close();

    const ledgerPath = join(mkdtempSync(join(tmpdir(), 'botcore-executor-seed-')), 'ledger.jsonl');
    const first = await setup({ ledgerPath, orderIdPrefix: 'run1-', resume: 'seed' });
    // The crash comes while a position is open, after some trades.
    let cut = 0;
    while (cut < 300 || first.executor.kernel.openTrades().length === 0) {
      await first.next();
      cut++;
    }
    const held = first.executor.kernel.portfolio;
    const cash = held.amount('BTC');
    const position = held.position('ETH/BTC');
    const crashedAt = first.series.time[cut - 1]! + first.series.timeframeMs;
    const riskBefore = first.executor.kernel.risk.snapshot(crashedAt);
    await first.close();

    const second = await setup({
      ledgerPath,
      orderIdPrefix: 'run2-',
      resume: 'seed',
      strategy: first.strategy,
      from: cut,
    });
    try {
      // Cash and the open position are the ledger's, to the last digit.
      const kernel = second.executor.kernel;
      expect(kernel.portfolio.amount('BTC').toFixed()).toBe(cash.toFixed());
      expect(kernel.portfolio.position('ETH/BTC').quantity.toFixed()).toBe(position.quantity.toFixed());
      expect(kernel.portfolio.position('ETH/BTC').averagePrice.toFixed()).toBe(
        position.averagePrice.toFixed(),
      );
      expect(kernel.openTrades()).toHaveLength(1);
      expect(second.resumed.seeded?.cash.toFixed()).toBe(cash.toFixed());
      // The risk engine is where it was: the ledger's equity is the kernel's, to a double's last places.
      const risk = second.resumed.risk!;
      expect(risk.dayStartEquity).toBeCloseTo(riskBefore.dayStartEquity, 12);
      expect(risk.peakEquity).toBeCloseTo(riskBefore.peakEquity, 12);
      expect({
        ...risk,
        dayStartEquity: 0,
        peakEquity: 0,
        restrictions: risk.restrictions.map((r) => r.code),
      }).toEqual({
        ...riskBefore,
        dayStartEquity: 0,
        peakEquity: 0,
        restrictions: riskBefore.restrictions.map((r) => r.code),
      });

      // A candle the ledger has already seen (a feed that started over) is ignored.
      await second.executor.step('ETH/BTC', candleAt(second.series, cut - 1));
      expect(kernel.candles).toBe(0);

      for (let n = cut; n < CANDLES; n++) await second.next();
      // Every trade closed after the restart is the one the run that never stopped closed: the held
      // position's round trip with its entry and its fees, and the later ones under the same limits.
      const restartedAt = crashedAt;
      const closedAfterRestart = (trades: readonly TradeRecord[]) =>
        trades
          .filter((t) => t.exitTime > restartedAt)
          .map(({ strategies: _, return: r, ...t }) => ({ ...t, return: r.toPrecision(12) }));
      const trades = closedAfterRestart(kernel.trades);
      expect(trades.length).toBeGreaterThan(1);
      expect(trades).toEqual(closedAfterRestart(reference.executor.kernel.trades));
      expect(trades[0]!.entryTime).toBeLessThan(restartedAt);
      // The position held at the crash closes with the same fill as in the run that never stopped,
      // and leaves the same cash (the ledgers folded up to that fill).
      const firstAfter = (fills: readonly Fill[]) => fills.find((f) => f.ts > restartedAt)!;
      const close = firstAfter(kernel.fills);
      const same = firstAfter(reference.executor.kernel.fills);
      expect(close.side).toBe('SELL');
      expect([close.ts, close.quantity.toFixed(), close.price.toFixed()]).toEqual([
        same.ts,
        position.quantity.toFixed(),
        same.price.toFixed(),
      ]);
      const cashAt = async (ledger: Ledger, ts: number) =>
        portfolioFromFills(
          (await ledger.fills()).filter((f) => f.ts <= ts),
          dec('1'),
          [defaultInstrument('ETH/BTC')],
        ).cash.toFixed();
      const referenceLedger = await FileLedger.open(reference.ledgerPath);
      expect(await cashAt(second.ledger, close.ts)).toBe(await cashAt(referenceLedger, close.ts));
      await referenceLedger.close();
      expect(kernel.fills.length).toBeGreaterThan(4);
      // The ledger: every fill once, positions the sum of the fills.
      const check = await reconcileLedger(second.ledger);
      expect(check.mismatches).toEqual([]);
      expect(check).toMatchObject({ ok: true, duplicates: [] });
    } finally {
      await second.close();
    }
  });

  it('halted for the day by its daily loss before a seeded restart, it stays halted until 00:00 UTC, then trades', async () => {
    const ledgerPath = join(mkdtempSync(join(tmpdir(), 'botcore-executor-daily-')), 'ledger.jsonl');
    const probe = await setup();
    const { series } = probe;
    await probe.close();
    const start = series.time[0]!;
    const before = await FileLedger.open(ledgerPath);
    // The last run lost 6 % of the day's starting equity (the limit is 5 %), then died.
    await before.recordEquity({ t: start - 600_000, equity: '1', currency: 'BTC' });
    await before.recordEquity({ t: start - 300_000, equity: '0.94', currency: 'BTC' });
    await before.close();

    const run = await setup({ ledgerPath, resume: 'seed' });
    try {
      expect(run.resumed.risk?.restrictions.map((r) => r.code)).toEqual(['DAILY_LOSS_LIMIT']);
      expect(run.executor.riskView()).toMatchObject({ state: 'Halted', until: '2018-01-11T00:00:00.000Z' });
      const midnight = Date.parse('2018-01-11T00:00:00Z');
      let buys = 0;
      for (let i = 0; series.time[i]! + series.timeframeMs < midnight; i++)
        if ((await run.next()) > 0) buys++;
      expect(buys).toBeGreaterThan(0);
      expect(run.executor.kernel.orders).toEqual([]);
      for (let n = 0; n < 600 && run.executor.kernel.orders.length === 0; n++) await run.next();
      expect(run.executor.kernel.orders[0]).toMatchObject({ side: 'BUY' });
      expect(run.executor.kernel.orders[0]!.ts).toBeGreaterThan(midnight);
    } finally {
      await run.close();
    }
  });

  it('a seeded restart records the orders working at the crash as canceled, once', async () => {
    const ledgerPath = join(mkdtempSync(join(tmpdir(), 'botcore-executor-stale-')), 'ledger.jsonl');
    const before = await FileLedger.open(ledgerPath);
    await before.recordOrder({
      orderId: 'run1-O-7',
      symbol: 'ETH/BTC',
      side: 'BUY',
      type: 'LIMIT',
      quantity: '1',
      price: '0.09',
      timeInForce: 'GTC',
      ts: 1_515_560_000_000,
    });
    await before.recordOrderEvent({
      eventId: 'run1-O-7#1',
      orderId: 'run1-O-7',
      index: 1,
      type: 'OrderSubmitted',
      ts: 1_515_560_000_000,
      data: {},
    });
    await before.close();
    for (const expected of [1, 0]) {
      const run = await setup({ ledgerPath, resume: 'seed' });
      try {
        expect(run.resumed.staleOrdersCanceled).toBe(expected);
        expect((await run.ledger.orderEvents('run1-O-7')).map((e) => [e.eventId, e.type])).toEqual([
          ['run1-O-7#1', 'OrderSubmitted'],
          ['run1-O-7#2', 'OrderCanceled'],
        ]);
      } finally {
        await run.close();
      }
    }
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
