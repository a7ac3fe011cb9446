// The three roles of `botcore runtime` as separate NATS clients on the real
// servers: the feed replays the bundled candles, a strategy worker publishes
// signals on JetStream, the executor joins them, trades on paper and records
// to MongoDB. The fills must be exactly those of a backtest of the same bot.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAi } from '../../bot-runtime/ai/advisor/fake-openai-server.ts';
import { prepareBacktestStrategies } from '../../bot-runtime/ai/onnx/index.ts';
import { runBacktest } from '../../bot-runtime/backtest/runner.ts';
import { NatsBus } from '../../bot-runtime/bus/nats-bus.ts';
import { loadCandles } from '../../bot-runtime/market-data/index.ts';
import { steppedThrough } from '../../bot-runtime/runtime/fake-standalone.ts';
import { type RunningRole, runRole } from '../../bot-runtime/runtime/roles.ts';
import { botSpecOf, loadBootConfig } from '../../bot-runtime/runtime/runtime-config.ts';
import { ledgerDatabase } from '../../bot-runtime/store/runtime-state.ts';
import {
  subjectsFor,
  validateRiskPolicyDocument,
  validateRuntimeReport,
} from '../../crds/runtime-config/index.ts';
import { removeBot } from '../runtime-faults/harness.ts';

const root = join(import.meta.dirname, '..', '..');
const bundled = join(root, 'examples', 'data', 'ETH-BTC_5m.csv');

/** A runtime configuration for a bot trading ETH/BTC on a replay of the first two days of the bundled candles. */
function writeConfig(strategy: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const name = `roles-${randomBytes(3).toString('hex')}`;
  const address = { namespace: 'standalone', bot: name };
  const dir = mkdtempSync(join(tmpdir(), 'botcore-roles-'));
  const file = join(dir, 'config.json');
  // Two days of candles: every message and write crosses the real servers.
  const data = join(dir, 'ETH-BTC_5m.csv');
  writeFileSync(data, `${readFileSync(bundled, 'utf8').split('\n').slice(0, 577).join('\n')}\n`);
  writeFileSync(
    file,
    JSON.stringify({
      version: 'botcore.dev/runtime-config/v1',
      bot: { name, namespace: 'standalone', uid: 'u-1' },
      mode: 'paper',
      exchange: { name: 'binance', testnet: true },
      symbols: ['ETH/BTC'],
      timeframe: '5m',
      marketData: {
        source: 'replay',
        replay: { files: [{ symbol: 'ETH/BTC', path: data }], speed: 600_000 },
      },
      capital: { amount: '1', currency: 'BTC' },
      strategies: [strategy],
      ensemble: {},
      execution: {},
      connections: { nats: { url: 'nats://unused:4222' } },
      subjects: subjectsFor('standalone', name),
      health: { port: 8081 },
      logLevel: 'warn',
      ...extra,
    }),
  );
  return { name, address, file, data };
}

/** Starts the executor, the strategy worker and the feed (in that order); the caller stops them. */
async function startRoles(
  file: string,
  strategy: string,
  roles: RunningRole[],
  env = process.env,
  log: (line: string) => void = () => undefined,
) {
  const executor = await runRole(loadBootConfig(file, { role: 'executor' }), { healthPort: 0, log, env });
  roles.push(executor);
  roles.push(
    await runRole(loadBootConfig(file, { role: 'strategy', strategy }), { healthPort: 0, log, env }),
  );
  const feedBoot = loadBootConfig(file, { role: 'feed' });
  roles.push(await runRole(feedBoot, { healthPort: 0, log, env }));
  return { ex: executor.executor!, bot: botSpecOf(feedBoot.config) };
}

const fillIds = (fills: readonly { orderId: string; tradeId: string }[]) =>
  fills.map((f) => `${f.orderId}:${f.tradeId}`);

describe('botcore runtime roles over NATS and MongoDB', () => {
  it('feed, strategy and executor trade as the backtest does', async () => {
    const { address, file, data } = writeConfig({
      name: 'rsi',
      type: 'rsi',
      rsi: { period: 14, overbought: 70, oversold: 30 },
    });
    const roles: RunningRole[] = [];
    try {
      const { ex, bot } = await startRoles(file, 'rsi', roles);
      const series = loadCandles(data, { gaps: 'keep' }).series;
      await steppedThrough(ex, series.length);
      const reference = runBacktest({ bot, markets: [{ symbol: 'ETH/BTC', series }] }).kernel;
      expect(reference.fills.length).toBeGreaterThan(10);
      expect(fillIds(ex.kernel.fills)).toEqual(fillIds(reference.fills));
      const ledger = ex.applier;
      expect(ledger.appliedCount).toBe(reference.fills.length);

      // The operator's control subject reaches the executor.
      const operator = await NatsBus.connect({
        servers: process.env.NATS_URL!,
        address,
        name: 'test-operator',
      });
      try {
        const checked = validateRiskPolicyDocument({
          name: 'guard',
          generation: 7,
          spec: { halt: true, haltReason: 'desk closed' },
        });
        if (!checked.valid) throw new Error('the test policy is invalid');
        const policy = checked.value;
        const reports: unknown[] = [];
        const sub = await operator.subscribeStatus((r) => reports.push(r));
        const reply = await operator.request({ command: 'apply-risk-policy', policy }, 5000);
        expect(reply).toMatchObject({ ok: true, message: 'halted by RiskPolicy guard' });
        expect(ex.riskView()).toMatchObject({ state: 'Halted', reason: 'desk closed' });
        // The executor reports at once, in the contract's shape, with the generation it applied.
        while (reports.length === 0) await new Promise((r) => setTimeout(r, 50));
        await sub.unsubscribe();
        const report = validateRuntimeReport(reports[0]);
        expect(report.errors).toEqual([]);
        expect(report.value).toMatchObject({
          healthy: true,
          currency: 'BTC',
          policy: { name: 'guard', generation: 7 },
          risk: { state: 'Halted', reason: 'desk closed' },
          strategies: [{ name: 'rsi', ready: true }],
        });
      } finally {
        await operator.close();
      }
    } finally {
      for (const r of roles.reverse()) await r.stop();
      await removeBot(address, ledgerDatabase(address));
    }
  }, 120_000);

  it('an ONNX strategy worker, its model mounted from a ConfigMap, trades as the backtest does', async () => {
    const { address, file, data } = writeConfig({
      name: 'model',
      type: 'onnx',
      onnx: {
        model: { configMapRef: { name: 'models', key: 'momentum.onnx' } },
        inputWindow: 32,
        features: ['close'],
        buyThreshold: 0.6,
        sellThreshold: 0.4,
      },
    });
    // The models dir laid out as the operator mounts it: <dir>/<ConfigMap>/<key> is examples/models/momentum.onnx.
    const env = { ...process.env, BOTCORE_MODELS_DIR: join(root, 'examples') };
    const roles: RunningRole[] = [];
    try {
      const { ex, bot } = await startRoles(file, 'model', roles, env);
      const series = loadCandles(data, { gaps: 'keep' }).series;
      await steppedThrough(ex, series.length);
      const markets = [{ symbol: 'ETH/BTC', series }];
      const { strategyFactory } = await prepareBacktestStrategies(bot, markets, env.BOTCORE_MODELS_DIR);
      const reference = runBacktest({ bot, markets, strategyFactory }).kernel;
      expect(reference.fills.length).toBeGreaterThan(4);
      expect(fillIds(ex.kernel.fills)).toEqual(fillIds(reference.fills));
    } finally {
      for (const r of roles.reverse()) await r.stop();
      await removeBot(address, ledgerDatabase(address));
    }
  }, 120_000);

  it('an executor with an advisor that says no opens nothing, and logs each verdict without the key', async () => {
    const key = 'sk-roles-advisor-5e1d';
    const advisor = await startFakeOpenAi(key, () => ({
      content: '{"approve": false, "reason": "stand aside"}',
    }));
    const { address, file, data } = writeConfig(
      { name: 'rsi', type: 'rsi', rsi: { period: 14, overbought: 70, oversold: 30 } },
      {
        advisor: {
          endpoint: advisor.endpoint,
          model: 'gpt-4o-mini',
          role: 'veto',
          timeoutMs: 2000,
          budget: { maxRequestsPerDay: 1000, maxCostPerDay: '1' },
        },
      },
    );
    const lines: string[] = [];
    const roles: RunningRole[] = [];
    try {
      const env = { ...process.env, BOTCORE_ADVISOR_API_KEY: key };
      const { ex } = await startRoles(file, 'rsi', roles, env, (line) => lines.push(line));
      await steppedThrough(ex, loadCandles(data, { gaps: 'keep' }).series.length);
      expect(ex.kernel.trades).toEqual([]);
      expect(advisor.requests.length).toBeGreaterThan(3);
      const verdicts = lines.map((l) => JSON.parse(l)).filter((l) => l.outcome !== undefined);
      expect(verdicts).toHaveLength(advisor.requests.length);
      expect(verdicts[0]).toMatchObject({
        level: 'info',
        action: 'buy',
        outcome: 'rejected',
        allowed: false,
      });
      expect(lines.join('\n')).not.toContain(key);
    } finally {
      for (const r of roles.reverse()) await r.stop();
      await advisor.close();
      await removeBot(address, ledgerDatabase(address));
    }
  }, 120_000);
});
