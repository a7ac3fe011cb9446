// The TradingBot steps against an in-memory API server: what each writes,
// what it skips, and the events it records.
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { botHarness } from '../../testing/bot-deps.ts';
import { testBot, testPolicy } from '../../testing/fixtures.ts';
import { botFinalizer } from './context.ts';
import { ensureConfig } from './ensure-config.ts';
import { ensureFinalizer } from './ensure-finalizer.ts';
import { ensureWorkloads } from './ensure-workloads.ts';
import { prune } from './prune.ts';

describe('ensure-finalizer', () => {
  it('adds the finalizer once', async () => {
    const h = botHarness();
    const ctx = h.context(h.cluster.put(testBot()));
    expect((await ensureFinalizer.run(ctx)).kind).toBe('continue');
    expect(ctx.bot.metadata.finalizers).toEqual([botFinalizer]);
    await ensureFinalizer.run(ctx);
    expect(h.cluster.writes).toEqual([`finalizers tradingbots/alpha [${botFinalizer}]`]);
  });

  it('reads the bot again when its cached copy is stale', async () => {
    const h = botHarness();
    const stale = h.cluster.put(testBot());
    h.cluster.put({ ...stale, metadata: { ...stale.metadata, labels: { moved: 'on' } } });
    const ctx = h.context(stale);
    await ensureFinalizer.run(ctx);
    expect(ctx.bot.metadata.finalizers).toEqual([botFinalizer]);
    expect(ctx.bot.metadata.labels).toEqual({ moved: 'on' });
  });
});

describe('ensure-config', () => {
  it('renders the children and applies the ConfigMap with the current policy', async () => {
    const h = botHarness();
    h.cluster.put(testPolicy('guard', { maxOpenPositions: 4 }));
    const ctx = h.context(h.cluster.put(testBot('alpha', { riskPolicyRef: { name: 'guard' } })));
    await ensureConfig.run(ctx);
    const cm = h.cluster.get<V1ConfigMap>('ConfigMap', 'trading', 'alpha-config');
    expect(JSON.parse(cm?.data?.['risk-policy.json'] ?? 'null')).toMatchObject({
      name: 'guard',
      spec: { maxOpenPositions: 4 },
    });
    expect(ctx.desired?.workloads).toHaveLength(4);
    expect(ctx.policy?.metadata.name).toBe('guard');
  });

  it('touches nothing when the referenced policy is missing', async () => {
    const h = botHarness();
    const ctx = h.context(h.cluster.put(testBot('alpha', { riskPolicyRef: { name: 'absent' } })));
    await ensureConfig.run(ctx);
    expect(ctx.policyMissing).toBe(true);
    expect(ctx.desired).toBeUndefined();
    expect(h.cluster.writes).toEqual([]);
  });
});

describe('ensure-workloads and prune', () => {
  async function reconcileOnce(h: ReturnType<typeof botHarness>, bot = h.deps.bots.get('alpha', 'trading')) {
    if (bot === undefined) throw new Error('no bot');
    const ctx = h.context(bot);
    await ensureConfig.run(ctx);
    await ensureWorkloads.run(ctx);
    await prune.run(ctx);
    return ctx;
  }

  it('creates every child once, then writes nothing while nothing changed', async () => {
    const h = botHarness();
    h.cluster.put(testBot());
    await reconcileOnce(h);
    expect(h.events.reasons()).toEqual(['Created']);
    expect(h.events.events[0]?.message).toContain('Deployment/alpha-strategy-trend');
    const writes = h.cluster.writes.length;
    expect(writes).toBe(8);
    await reconcileOnce(h);
    expect(h.cluster.writes).toHaveLength(writes);
  });

  it('restores a hand-edited Deployment and says so', async () => {
    const h = botHarness();
    h.cluster.put(testBot());
    await reconcileOnce(h);
    const executor = h.cluster.get<V1Deployment>('Deployment', 'trading', 'alpha-executor');
    if (executor?.spec === undefined) throw new Error('no executor');
    h.cluster.put({ ...executor, spec: { ...executor.spec, replicas: 5 } });
    await reconcileOnce(h);
    expect(h.cluster.get<V1Deployment>('Deployment', 'trading', 'alpha-executor')?.spec?.replicas).toBe(1);
    expect(h.events.reasons()).toContain('DriftCorrected');
  });

  it('rolls the Deployments when the config changes', async () => {
    const h = botHarness();
    const bot = h.cluster.put(testBot());
    await reconcileOnce(h);
    const before = h.cluster.get<V1Deployment>('Deployment', 'trading', 'alpha-feed');
    await reconcileOnce(h, h.cluster.put({ ...bot, spec: { ...bot.spec, timeframe: '1h' as const } }));
    const after = h.cluster.get<V1Deployment>('Deployment', 'trading', 'alpha-feed');
    const hash = (d: V1Deployment | undefined) =>
      d?.spec?.template.metadata?.annotations?.['trading.botcore.dev/config-hash'];
    expect(hash(after)).not.toBe(hash(before));
    expect(h.events.reasons()).toContain('ConfigChanged');
  });

  it('deletes the Deployment of a removed strategy, and nothing it does not own', async () => {
    const h = botHarness();
    const bot = h.cluster.put(testBot());
    await reconcileOnce(h);
    // A Deployment with the bot's labels but another owner must survive.
    h.cluster.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'alpha-sidecar',
        namespace: 'trading',
        labels: { 'trading.botcore.dev/bot': 'alpha' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Other', name: 'x', uid: 'other', controller: true }],
      },
    });
    const one = { ...bot, spec: { ...bot.spec, strategies: bot.spec.strategies.slice(0, 1) } };
    await reconcileOnce(h, h.cluster.put(one));
    const names = h.cluster
      .cache<V1Deployment>('Deployment')
      .list('trading')
      .map((d) => d.metadata?.name)
      .sort();
    expect(names).toEqual(['alpha-executor', 'alpha-feed', 'alpha-sidecar', 'alpha-strategy-rsi-fast']);
    expect(h.events.events.find((e) => e.reason === 'Pruned')?.message).toContain(
      'Deployment/alpha-strategy-trend',
    );
  });

  it('deletes the Service when the status endpoint is turned off', async () => {
    const h = botHarness();
    const bot = h.cluster.put(testBot());
    await reconcileOnce(h);
    expect(h.cluster.get('Service', 'trading', 'alpha-status')).toBeDefined();
    await reconcileOnce(
      h,
      h.cluster.put({
        ...bot,
        spec: { ...bot.spec, statusEndpoint: { ...bot.spec.statusEndpoint, enabled: false } },
      }),
    );
    expect(h.cluster.get('Service', 'trading', 'alpha-status')).toBeUndefined();
  });
});
