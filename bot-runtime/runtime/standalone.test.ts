import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../backtest/runner.ts';
import { replayOrder } from '../domain/index.ts';
import { type CandleSeries, loadCandles } from '../market-data/index.ts';
import { reconcileLedger } from '../recovery/reconcile.ts';
import { FileLedger } from '../store/file-ledger.ts';
import { fillIdOf, orderEventFromRecord, orderFromRecord } from '../store/records.ts';
import { demoData as data, demoOnePass, root, startLocal, steppedThrough } from './fake-standalone.ts';
import { loadRunManifest } from './manifest.ts';

describe('botcore run, in one process', () => {
  it('trades exactly as the backtest of the same manifest: feed, strategy worker and executor over the bus reuse the kernel', async () => {
    const manifest = await demoOnePass();
    const stateDir = mkdtempSync(join(tmpdir(), 'botcore-standalone-'));
    const bot = await startLocal(manifest, { stateDir });
    try {
      await bot.replayDone;
      await bot.executor.settle();
      const reference = runBacktest({
        bot: manifest.bot,
        markets: [{ symbol: 'ETH/BTC', series: loadCandles(data, { gaps: 'keep' }).series }],
      }).kernel;
      const ids = (fills: readonly { orderId: string; tradeId: string }[]) =>
        fills.map((f) => fillIdOf(f.orderId, f.tradeId));
      expect(reference.fills.length).toBeGreaterThan(10);
      expect(ids(bot.executor.kernel.fills)).toEqual(ids(reference.fills));
      expect(bot.executor.kernel.trades).toEqual(reference.trades);

      // The ledger holds each fill once, and the status endpoint's trades are those fills, newest first.
      const journal = readFileSync(join(stateDir, 'ledger.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { k: string; v: { fillId?: string } });
      expect(journal.filter((e) => e.k === 'fill').map((e) => e.v.fillId)).toEqual(ids(reference.fills));
      const page = bot.source.trades({ limit: 500 });
      expect(page.items.map((t) => fillIdOf(t.orderId, t.id)).reverse()).toEqual(ids(reference.fills));
      // The endpoint's metrics count what the executor did.
      const metrics = await (await fetch(`${bot.url}/metrics`)).text();
      const total = (name: string) =>
        metrics
          .split('\n')
          .filter((l) => l.startsWith(name) && !l.startsWith(`${name}_`))
          .reduce((a, l) => a + Number(l.split(' ').at(-1)), 0);
      expect(total('botcore_orders_total')).toBe(bot.executor.kernel.orders.length);
      expect(total('botcore_fills_total')).toBe(reference.fills.length);
      expect(total('botcore_event_to_fill_seconds_count')).toBe(reference.fills.length);

      // Every order's history is in the ledger, and replays to the status the kernel ended with.
      const { FileLedger } = await import('../store/file-ledger.ts');
      await bot.stop();
      const ledger = await FileLedger.open(join(stateDir, 'ledger.jsonl'));
      try {
        const orders = await ledger.orders();
        expect(orders.map((o) => o.orderId)).toEqual(bot.executor.kernel.orders.map((o) => o.id));
        for (const o of bot.executor.kernel.orders) {
          const events = (await ledger.orderEvents(o.id)).map(orderEventFromRecord);
          const replayed = replayOrder(orderFromRecord(orders.find((r) => r.orderId === o.id)!), events);
          expect(replayed.status).toBe(o.status);
        }
      } finally {
        await ledger.close();
      }
      const status = bot.source.status();
      expect(status.equity).toBe(bot.executor.kernel.equityDecimal().toFixed());
    } finally {
      await bot.stop();
    }
  }, 60_000);

  it('a restart resumes from the journal: nothing counted twice, the rest of the run as if never stopped', async () => {
    const manifest = await demoOnePass();
    const stateDir = mkdtempSync(join(tmpdir(), 'botcore-standalone-restart-'));
    const first = await startLocal(manifest, { stateDir });
    // Stop as soon as a few trades are in (the replay runs on in the background until then).
    await new Promise<void>((resolve) => {
      const off = first.source.subscribe((e) => {
        if (e.type === 'trade' && first.source.trades({ limit: 500 }).items.length >= 6) {
          off();
          resolve();
        }
      });
    });
    await first.stop();
    const before = first.source.trades({ limit: 500 }).items.map((t) => t.id);
    const kept = before.length;
    expect(kept).toBeGreaterThanOrEqual(6);

    const second = await startLocal(manifest, { stateDir });
    try {
      expect(second.recovered.fills).toBe(kept);
      expect(second.source.trades({ limit: 500 }).items.map((t) => t.id)).toEqual(before);
      await second.replayDone;
      await second.executor.settle();
      const reference = runBacktest({
        bot: manifest.bot,
        markets: [{ symbol: 'ETH/BTC', series: loadCandles(data, { gaps: 'keep' }).series }],
      }).kernel;
      const after = second.source.trades({ limit: 500 }).items.map((t) => `${t.orderId}:${t.id}`);
      expect(new Set(after).size).toBe(after.length);
      expect(after.reverse()).toEqual(reference.fills.map((f) => fillIdOf(f.orderId, f.tradeId)));
      expect(second.executor.applier.positions().map((p) => p.quantity.toFixed())).toEqual(
        reference.portfolio.positions().map((p) => p.quantity.toFixed()),
      );
    } finally {
      await second.stop();
    }
  }, 60_000);
});

describe('botcore run on the exchange feed', () => {
  /** The first n candles of the demo data: what the Binance stand-in serves. */
  const firstCandles = (n: number): CandleSeries => {
    const full = loadCandles(data, { gaps: 'keep' }).series;
    return {
      ...full,
      length: n,
      time: full.time.subarray(0, n),
      open: full.open.subarray(0, n),
      high: full.high.subarray(0, n),
      low: full.low.subarray(0, n),
      close: full.close.subarray(0, n),
      volume: full.volume.subarray(0, n),
    };
  };
  /** examples/bots/demo.yaml with its candles from the exchange feed. */
  const demoOnExchangeFeed = async () => {
    const m = await loadRunManifest(join(root, 'examples', 'bots', 'demo.yaml'));
    return { ...m, bot: { ...m.bot, marketData: { source: 'exchange' as const } } };
  };

  it('trades live closed candles (a Binance stand-in) exactly as the backtest of the same candles', async () => {
    const { BinanceStandIn } = await import('../market-data/binance/stand-in-server.ts');
    const n = 600;
    const series = firstCandles(n);
    const standIn = new BinanceStandIn(
      { ETHBTC: series },
      '5m',
      series.time[n - 1]! + 2 * series.timeframeMs,
    );
    const { restUrl, wsUrl } = await standIn.start();
    const manifest = await demoOnExchangeFeed();
    const stateDir = mkdtempSync(join(tmpdir(), 'botcore-standalone-live-'));
    const bot = await startLocal(manifest, {
      stateDir,
      exchangeFeed: { restBaseUrl: restUrl, wsBaseUrl: wsUrl, startTime: series.time[0]! },
    });
    try {
      await steppedThrough(bot.executor, n);
      await bot.executor.settle();
      const reference = runBacktest({ bot: manifest.bot, markets: [{ symbol: 'ETH/BTC', series }] }).kernel;
      const ids = (fills: readonly { orderId: string; tradeId: string }[]) =>
        fills.map((f) => fillIdOf(f.orderId, f.tradeId));
      expect(reference.fills.length).toBeGreaterThan(4);
      expect(ids(bot.executor.kernel.fills)).toEqual(ids(reference.fills));
    } finally {
      await bot.stop();
      await standIn.stop();
    }
  }, 60_000);

  it("restarted on the live feed, takes the journal's position over and records its own fills", async () => {
    const { BinanceStandIn } = await import('../market-data/binance/stand-in-server.ts');
    const full = loadCandles(data, { gaps: 'keep' }).series;
    const manifest = await demoOnExchangeFeed();
    const reference = runBacktest({
      bot: manifest.bot,
      markets: [{ symbol: 'ETH/BTC', series: firstCandles(600) }],
    }).kernel;
    // Stopped while a position is open: the candle after the reference's first buy of a later trade.
    const buy = reference.fills.find((f) => f.side === 'BUY' && f.ts > full.time[50]!)!;
    const cut = full.time.indexOf(buy.ts - (buy.ts % full.timeframeMs)) + 2;
    const stateDir = mkdtempSync(join(tmpdir(), 'botcore-standalone-live-restart-'));
    const run = async (n: number, from: number) => {
      const series = firstCandles(n);
      const standIn = new BinanceStandIn(
        { ETHBTC: series },
        '5m',
        series.time[n - 1]! + 2 * series.timeframeMs,
      );
      const { restUrl, wsUrl } = await standIn.start();
      const bot = await startLocal(manifest, {
        stateDir,
        exchangeFeed: { restBaseUrl: restUrl, wsBaseUrl: wsUrl, startTime: series.time[from]! },
      });
      await steppedThrough(bot.executor, n - from);
      await bot.executor.settle();
      return { bot, stop: async () => Promise.all([bot.stop(), standIn.stop()]) };
    };
    const one = await run(cut, 0);
    const held = one.bot.executor.kernel.portfolio.position('ETH/BTC');
    const made = { one: one.bot.executor.kernel.fills.length, two: 0 };
    expect(held.quantity.isZero()).toBe(false);
    await one.stop();

    // The exchange goes on from where the first run stopped; nothing before is sent again.
    const two = await run(600, cut);
    try {
      expect(two.bot.recovered.fills).toBe(one.bot.executor.kernel.fills.length);
      // Its first fill closes the position it took over (its strategy worker starts afresh, so
      // when may differ from the run that never stopped).
      const close = two.bot.executor.kernel.fills[0]!;
      expect([close.side, close.quantity.toFixed()]).toEqual(['SELL', held.quantity.toFixed()]);
      made.two = two.bot.executor.kernel.fills.length;
      expect(made.two).toBeGreaterThan(2);
    } finally {
      await two.stop();
    }
    // Every fill of both runs in the journal once (none taken for an earlier one), positions their sum.
    const journal = await FileLedger.open(join(stateDir, 'ledger.jsonl'));
    try {
      const check = await reconcileLedger(journal);
      expect(check.mismatches).toEqual([]);
      expect(check).toMatchObject({ ok: true, duplicates: [] });
      expect(check.fillCount).toBe(made.one + made.two);
    } finally {
      await journal.close();
    }
  }, 60_000);
});
