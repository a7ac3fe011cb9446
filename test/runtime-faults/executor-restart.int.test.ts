// The executor pod killed with SIGKILL while it holds a position, twice, as
// `botcore runtime` processes on the real NATS, Redis and MongoDB, while the
// feed and the strategy go on: the candles it missed never come again. Each
// restart seeds the kernel with the ledger's cash and positions (exactly the
// fold of the ledger's fills) and trades on; at the end every fill is in the
// ledger once, each position is the sum of its fills, and no position ever
// went short (a kernel that started flat beside a held position would sell
// what it does not hold, or buy a second one). The restarted kernel also gets
// back each held position's round trip with its fees and the risk engine's
// state (the fold of the ledger's equity, closed trades and orders), and the
// orders the killed run left working are recorded as canceled.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultInstrument } from '../../bot-runtime/backtest/runner.ts';
import { dec } from '../../bot-runtime/domain/index.ts';
import { reconcileLedger } from '../../bot-runtime/recovery/reconcile.ts';
import { isWorking, STALE_ORDER_REASON } from '../../bot-runtime/recovery/stale-orders.ts';
import { portfolioFromFills } from '../../bot-runtime/recovery/starting-portfolio.ts';
import { riskFromLedger, tradesFromLedger } from '../../bot-runtime/recovery/starting-risk.ts';
import { DEFAULT_RISK_POLICY } from '../../bot-runtime/risk/engine.ts';
import { describeRisk, describeSeed } from '../../bot-runtime/runtime/executor.ts';
import { MongoLedger } from '../../bot-runtime/store/mongo-ledger.ts';
import { ledgerDatabase } from '../../bot-runtime/store/runtime-state.ts';
import { subjectsFor } from '../../crds/runtime-config/index.ts';
import { type RuntimeProcess, startRuntime } from '../e2e/runtime-process.ts';
import { eventually } from '../support/eventually.ts';
import { removeBot, serverUrl } from './harness.ts';

const root = join(import.meta.dirname, '..', '..');
const KILLS = 2;

const name = `restart-${randomBytes(3).toString('hex')}`;
const address = { namespace: 'faults', bot: name };
const dir = mkdtempSync(join(tmpdir(), 'botcore-executor-restart-'));
const started: RuntimeProcess[] = [];

afterAll(async () => {
  for (const p of started) await p.stop();
  await removeBot(address, ledgerDatabase(address));
  rmSync(dir, { recursive: true, force: true });
});

function role(args: string[]): RuntimeProcess {
  const p = startRuntime(
    {
      name: args.join(' '),
      args,
      env: { BOTCORE_CONFIG: join(dir, 'config.json') },
      mounts: [{ mountPath: '/etc/botcore', dir }],
    },
    { BOTCORE_HEALTH_PORT: '0' },
  );
  started.push(p);
  return p;
}

const runOf = (orderId: string) => orderId.split('-')[0]!;

describe('the executor pod killed while it holds a position', () => {
  it('resumes from the ledger each time: no fill lost or counted twice, never a second position', async () => {
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        version: 'botcore.dev/runtime-config/v1',
        bot: { name, namespace: address.namespace, uid: 'u-1' },
        mode: 'paper',
        exchange: { name: 'binance', testnet: true },
        symbols: ['ETH/BTC'],
        timeframe: '5m',
        marketData: {
          source: 'replay',
          // The bundled real candles, a candle every 25 ms, looping (time keeps moving forward).
          replay: {
            files: [{ symbol: 'ETH/BTC', path: join(root, 'examples/data/ETH-BTC_5m.csv') }],
            speed: 12_000,
            loop: true,
          },
        },
        capital: { amount: '1', currency: 'BTC' },
        strategies: [{ name: 'rsi', type: 'rsi', rsi: { period: 14, overbought: 70, oversold: 30 } }],
        ensemble: {},
        execution: {},
        connections: {
          nats: { url: serverUrl('NATS_URL') },
          redis: { url: serverUrl('REDIS_URL') },
          mongodb: { url: serverUrl('MONGODB_URL') },
        },
        subjects: subjectsFor(address.namespace, name),
        health: { port: 8081 },
        logLevel: 'warn',
      }),
    );
    const ledger = await MongoLedger.open({
      url: serverUrl('MONGODB_URL'),
      database: ledgerDatabase(address),
    });
    try {
      let executor = role(['runtime', '--role', 'executor']);
      await executor.waitForLog('role started');
      const strategy = role(['runtime', '--role', 'strategy', '--strategy', 'rsi']);
      await strategy.waitForLog('role started');
      const feed = role(['runtime', '--role', 'feed']);
      await feed.waitForLog('role started');

      const runs: string[] = [];
      let staleCanceled = 0;
      // A kill counts when the ledger held a position at that moment (one may close between
      // the look and the kill): then the next run has to take it over.
      for (let kills = 0, attempts = 0; kills < KILLS; attempts++) {
        expect(attempts).toBeLessThan(3 * KILLS);
        // Generous: a restarted executor gets the strategy's signals only after the dead one's
        // ack wait (10 s), and this machine may be busy.
        await eventually(
          async () => {
            const fills = await ledger.fills();
            const ours = fills.some((f) => !runs.includes(runOf(f.orderId)));
            const open = (await ledger.positions()).some((p) => p.quantity !== '0');
            return ours && open ? true : undefined;
          },
          () =>
            `run ${runs.length + 1} to trade and hold a position; executor output:\n${executor.output().slice(-2000)}`,
          { timeoutMs: 120_000 },
        );
        await executor.kill();
        for (const f of await ledger.fills())
          if (!runs.includes(runOf(f.orderId))) runs.push(runOf(f.orderId));

        executor = role(['runtime', '--role', 'executor']);
        const resumed = await executor.waitForLog('resuming from the ledger');
        // The kernel starts from exactly the fold of the fills the ledger held at the restart.
        const held = (await ledger.fills()).slice(0, resumed.fills as number);
        const expected = portfolioFromFills(held, dec('1'), [defaultInstrument('ETH/BTC')]);
        expect(resumed.portfolio).toBe(describeSeed(expected, 'BTC'));
        // What the killed run left (the new one writes only after resumeAfter): the held round
        // trip's fees, and the risk state those records fold to.
        const resumeAfter = resumed.resumeAfter as number;
        staleCanceled += resumed.staleOrdersCanceled as number;
        const orders = (await ledger.orders()).filter((o) => o.ts <= resumeAfter);
        const trades = tradesFromLedger(held, orders);
        expect(resumed.entryFees).toEqual(
          Object.fromEntries(trades.open.map((t) => [t.symbol, t.fees.toFixed()])),
        );
        if (trades.open.length > 0) expect(Number(trades.open[0]!.fees.toFixed())).toBeGreaterThan(0);
        const equity = await ledger.equity(undefined, resumeAfter + 1);
        expect(resumed.risk).toBe(
          describeRisk(riskFromLedger({ equity, fills: held, orders }, DEFAULT_RISK_POLICY, resumeAfter)),
        );
        if (expected.positions.some((p) => p.quantity.gt(0))) kills++;
      }
      // The last run trades too.
      await eventually(
        async () => ((await ledger.fills()).some((f) => !runs.includes(runOf(f.orderId))) ? true : undefined),
        'a fill of the last run',
        { timeoutMs: 120_000 },
      );
      for (const p of [feed, strategy, executor])
        expect({ role: p.name, exit: await p.stop() }).toEqual({
          role: p.name,
          exit: { code: 0, signal: null },
        });

      const fills = await ledger.fills();
      expect(new Set(fills.map((f) => runOf(f.orderId))).size).toBeGreaterThanOrEqual(KILLS + 1);
      const check = await reconcileLedger(ledger);
      expect(check.mismatches).toEqual([]);
      expect(check).toMatchObject({ ok: true, duplicates: [], fillCount: fills.length });
      // No order of a killed run is left working: the next run recorded it canceled, once.
      const killed = new Set(runs);
      let staleEvents = 0;
      for (const order of await ledger.orders()) {
        const events = await ledger.orderEvents(order.orderId);
        staleEvents += events.filter((e) => e.data.reason === STALE_ORDER_REASON).length;
        if (!killed.has(runOf(order.orderId))) continue;
        expect({ order: order.orderId, working: isWorking(order, events) }).toEqual({
          order: order.orderId,
          working: false,
        });
      }
      expect(staleEvents).toBe(staleCanceled);
      // Long only: the position never goes below zero, and a buy never comes on top of a held one.
      let position = dec(0);
      for (const f of fills) {
        if (f.side === 'BUY') expect(position.isZero()).toBe(true);
        position = f.side === 'BUY' ? position.plus(f.quantity) : position.minus(f.quantity);
        expect(position.isNegative()).toBe(false);
      }
    } finally {
      await ledger.close();
    }
  }, 480_000);
});
