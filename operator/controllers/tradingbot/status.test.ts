import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { RiskPolicy, TradingBot } from '../../../crds/index.ts';
import type { ReceivedReport } from '../../reports.ts';
import { botHarness, rollOut } from '../../testing/bot-deps.ts';
import { testBot, testPolicy } from '../../testing/fixtures.ts';
import { ensureWorkloads } from './ensure-workloads.ts';
import { render } from './render.ts';
import { type BotObservation, computeBotStatus, deploymentNames, status } from './status.ts';

const now = Date.parse('2026-01-01T12:00:00Z');

function available(name: string, replicas = 1, generation = 1): V1Deployment {
  return {
    metadata: { name, generation },
    spec: { replicas, selector: {}, template: {} },
    status: {
      observedGeneration: generation,
      replicas,
      updatedReplicas: replicas,
      availableReplicas: replicas,
    },
  };
}

function observe(bot: TradingBot, overrides: Partial<BotObservation> = {}): BotObservation {
  const deployments = new Map(
    deploymentNames(bot).map((n) => [n, available(n, bot.spec.suspend ? 0 : 1)] as const),
  );
  return {
    bot,
    policy: undefined,
    policyMissing: false,
    deployments,
    report: undefined,
    now,
    reportStaleAfterMs: 60_000,
    ...overrides,
  };
}

const healthy = (at = now, extra = {}): ReceivedReport => ({
  receivedAt: at,
  report: { time: '2026-01-01T11:59:59Z', healthy: true, ...extra },
});
const conditionOf = (s: ReturnType<typeof computeBotStatus>, type: string) =>
  s.conditions?.find((c) => c.type === type);

describe('computeBotStatus', () => {
  it('is Starting and Progressing while Deployments roll out', () => {
    const bot = testBot();
    const deployments = new Map<string, V1Deployment | undefined>(
      deploymentNames(bot).map((n) => [n, undefined]),
    );
    const s = computeBotStatus(observe(bot, { deployments }));
    expect(s.phase).toBe('Starting');
    expect(conditionOf(s, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'RollingOut',
      observedGeneration: 1,
    });
    expect(conditionOf(s, 'Ready')).toMatchObject({ status: 'False', reason: 'DeploymentsNotAvailable' });
    expect(conditionOf(s, 'Ready')?.message).toContain('alpha-feed');
  });

  it('treats an old generation or leftover replicas as not rolled out', () => {
    const bot = testBot();
    const deployments = new Map(deploymentNames(bot).map((n) => [n, available(n)] as const));
    deployments.set('alpha-feed', {
      ...available('alpha-feed', 1, 2),
      status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
    });
    deployments.set('alpha-executor', {
      ...available('alpha-executor'),
      status: { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2 },
    });
    const s = computeBotStatus(observe(bot, { deployments, report: healthy() }));
    expect(conditionOf(s, 'Ready')?.message).toBe(
      'waiting for deployments to roll out: alpha-feed, alpha-executor',
    );
  });

  it('waits for the runtime to report before Ready, and is Ready once it reports healthy', () => {
    const bot = testBot();
    expect(conditionOf(computeBotStatus(observe(bot)), 'Ready')).toMatchObject({
      status: 'False',
      reason: 'RuntimeNotReporting',
    });
    const s = computeBotStatus(
      observe(bot, { report: healthy(now, { equity: '1010', pnlToday: '10', tradesToday: 2 }) }),
    );
    expect(s).toMatchObject({
      phase: 'Running',
      equity: '1010',
      pnlToday: '10',
      tradesToday: 2,
      currency: 'USDT',
      lastUpdateTime: '2026-01-01T11:59:59Z',
      endpoint: 'http://alpha-status.trading.svc:8080/',
    });
    expect(conditionOf(s, 'Ready')).toMatchObject({ status: 'True', reason: 'Running' });
    expect(conditionOf(s, 'Progressing')).toMatchObject({ status: 'False', reason: 'RolledOut' });
    expect(conditionOf(s, 'Degraded')).toMatchObject({ status: 'False' });
    expect(s.strategies?.every((x) => x.ready)).toBe(true);
  });

  it('drops Ready when the report is stale, and is Degraded when the runtime says unhealthy', () => {
    const bot = testBot();
    const stale = computeBotStatus(observe(bot, { report: healthy(now - 61_000) }));
    expect(conditionOf(stale, 'Ready')).toMatchObject({ status: 'False', reason: 'RuntimeReportStale' });
    const sick = computeBotStatus(
      observe(bot, {
        report: {
          receivedAt: now,
          report: { time: '2026-01-01T12:00:00Z', healthy: false, message: 'feed disconnected' },
        },
      }),
    );
    expect(sick.phase).toBe('Degraded');
    expect(conditionOf(sick, 'Degraded')).toMatchObject({ status: 'True', reason: 'RuntimeUnhealthy' });
    expect(conditionOf(sick, 'Degraded')?.message).toContain('feed disconnected');
  });

  it('is Degraded when a rollout exceeded its deadline', () => {
    const bot = testBot();
    const deployments = new Map(deploymentNames(bot).map((n) => [n, available(n)] as const));
    deployments.set('alpha-feed', {
      ...available('alpha-feed'),
      status: {
        observedGeneration: 1,
        replicas: 1,
        updatedReplicas: 1,
        availableReplicas: 0,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      },
    });
    const s = computeBotStatus(observe(bot, { deployments }));
    expect(s.phase).toBe('Degraded');
    expect(conditionOf(s, 'Degraded')).toMatchObject({ status: 'True', reason: 'ProgressDeadlineExceeded' });
  });

  it('is Suspended, not Ready, once scaled to zero', () => {
    const s = computeBotStatus(observe(testBot('alpha', { suspend: true })));
    expect(s.phase).toBe('Suspended');
    expect(conditionOf(s, 'Ready')).toMatchObject({ status: 'False', reason: 'Suspended' });
    expect(conditionOf(s, 'Progressing')).toMatchObject({ status: 'False', reason: 'Suspended' });
  });

  it('is Halted with RiskHalted when its policy halts, keeping Ready about the workloads', () => {
    const bot = testBot('alpha', { riskPolicyRef: { name: 'guard' } });
    const policy: RiskPolicy = testPolicy('guard', { halt: true, haltReason: 'exchange outage' });
    const s = computeBotStatus(observe(bot, { policy, report: healthy() }));
    expect(s.phase).toBe('Halted');
    expect(s.risk).toEqual({ state: 'Halted', reason: 'exchange outage' });
    expect(conditionOf(s, 'RiskHalted')).toMatchObject({ status: 'True', reason: 'PolicyHalted' });
    expect(conditionOf(s, 'Ready')?.status).toBe('True');
  });

  it('is Halted when the runtime reports its risk engine halted', () => {
    const s = computeBotStatus(
      observe(testBot(), { report: healthy(now, { risk: { state: 'Halted', reason: 'max daily loss' } }) }),
    );
    expect(s.phase).toBe('Halted');
    expect(conditionOf(s, 'RiskHalted')).toMatchObject({
      status: 'True',
      reason: 'RiskLimitBreached',
      message: 'max daily loss',
    });
  });

  it('is Pending with RiskPolicyNotFound when the policy is missing', () => {
    const s = computeBotStatus(
      observe(testBot('alpha', { riskPolicyRef: { name: 'gone' } }), { policyMissing: true }),
    );
    expect(s.phase).toBe('Pending');
    expect(conditionOf(s, 'Ready')).toMatchObject({ status: 'False', reason: 'RiskPolicyNotFound' });
    expect(conditionOf(s, 'Degraded')).toMatchObject({ status: 'True', reason: 'RiskPolicyNotFound' });
  });
});

describe('status step', () => {
  async function setUp() {
    const h = botHarness();
    h.cluster.put(testBot());
    const ctx = h.context(h.deps.bots.get('alpha', 'trading') as TradingBot);
    await render.run(ctx);
    await ensureWorkloads.run(ctx);
    rollOut(h.cluster);
    h.reports.set('trading/alpha', {
      receivedAt: h.clock.now(),
      report: { time: '2026-01-01T00:00:00Z', healthy: true },
    });
    return h;
  }

  it('writes once, records BotReady, and writes nothing on the next pass', async () => {
    const h = await setUp();
    await status.run(h.context(h.deps.bots.get('alpha', 'trading') as TradingBot));
    expect(h.cluster.writes.filter((w) => w.startsWith('status'))).toHaveLength(1);
    expect(h.events.reasons()).toContain('BotReady');
    const result = await status.run(h.context(h.deps.bots.get('alpha', 'trading') as TradingBot));
    expect(h.cluster.writes.filter((w) => w.startsWith('status'))).toHaveLength(1);
    // Ready with a report: come back when the report would go stale.
    expect(result).toEqual({ kind: 'requeue', afterMs: 60_001 });
  });

  it('retries a conflicting write on a fresh read', async () => {
    const h = await setUp();
    h.cluster.conflictsToInject = 2;
    await status.run(h.context(h.deps.bots.get('alpha', 'trading') as TradingBot));
    expect(h.deps.bots.get('alpha', 'trading')?.status?.phase).toBe('Running');
  });

  it('gives up after repeated conflicts, with an error (the queue retries with backoff)', async () => {
    const h = await setUp();
    h.cluster.conflictsToInject = 10;
    await expect(
      status.run(h.context(h.deps.bots.get('alpha', 'trading') as TradingBot)),
    ).rejects.toMatchObject({ code: 409 });
  });
});
