import { describe, expect, it } from 'vitest';
import type { RiskPolicy, TradingBot } from '../../../crds/index.ts';
import { FakeClock } from '../../runtime/fake-clock.ts';
import { silentLogger } from '../../runtime/index.ts';
import { FakeBus } from '../../testing/bot-deps.ts';
import { FakeCluster, RecordingEvents } from '../../testing/fake-cluster.ts';
import { testBot, testPolicy } from '../../testing/fixtures.ts';
import { boundBots, type PolicyContext, policyFinalizer, type RiskPolicyDeps } from './context.ts';
import { ensureFinalizer, finalize } from './finalizers.ts';
import { pushPolicy } from './push.ts';
import { riskPolicyReconciler } from './reconciler.ts';
import { computePolicyStatus } from './status.ts';

function harness() {
  const cluster = new FakeCluster();
  const events = new RecordingEvents();
  const bus = new FakeBus();
  const deps: RiskPolicyDeps = {
    client: cluster.client,
    bots: cluster.cache<TradingBot>('TradingBot'),
    policies: cluster.cache<RiskPolicy>('RiskPolicy'),
    events,
    bus,
    clock: new FakeClock(Date.parse('2026-01-01T00:00:00Z')),
    pushed: new Map(),
  };
  const context = (policy: RiskPolicy): PolicyContext => ({
    key: `trading/${policy.metadata.name}`,
    policy,
    deps,
    log: silentLogger(),
    signal: new AbortController().signal,
    bound: boundBots(deps.bots, policy),
  });
  const reconcile = (name: string) =>
    riskPolicyReconciler(deps)(`trading/${name}`, {
      log: silentLogger(),
      signal: new AbortController().signal,
    });
  return { cluster, events, bus, deps, context, reconcile };
}

const bound = (name: string, spec: Record<string, unknown> = {}) =>
  testBot(name, { riskPolicyRef: { name: 'guard' }, ...spec });

describe('RiskPolicy reconcile', () => {
  it('adds its finalizer, pushes the policy to each live bound bot once, and records who is bound', async () => {
    const h = harness();
    h.cluster.put(testPolicy('guard', { maxOpenPositions: 2 }));
    h.cluster.put(bound('b'));
    h.cluster.put(bound('a'));
    h.cluster.put(bound('sleeping', { suspend: true }));
    h.cluster.put(testBot('elsewhere'));
    await h.reconcile('guard');
    const policy = h.cluster.get<RiskPolicy>('RiskPolicy', 'trading', 'guard');
    expect(policy?.metadata.finalizers).toEqual([policyFinalizer]);
    expect(policy?.status).toMatchObject({
      boundBots: 3,
      bots: ['a', 'b', 'sleeping'],
      halted: false,
      observedGeneration: 3,
    });
    expect(h.bus.published.map((p) => p.subject)).toEqual([
      'botcore.trading.a.control',
      'botcore.trading.b.control',
    ]);
    expect(h.bus.published[0]?.payload).toMatchObject({
      command: 'apply-risk-policy',
      policy: { name: 'guard', generation: 3, spec: { maxOpenPositions: 2 } },
    });
    await h.reconcile('guard');
    expect(h.bus.published).toHaveLength(2);
    expect(h.cluster.writes.filter((w) => w.startsWith('status'))).toHaveLength(1);
  });

  it('pushes again when the policy changes', async () => {
    const h = harness();
    const policy = h.cluster.put(testPolicy('guard'));
    h.cluster.put(bound('a'));
    await pushPolicy.run(h.context(policy));
    const changed = h.cluster.put({
      ...policy,
      metadata: { ...policy.metadata, generation: 4 },
      spec: { ...policy.spec, halt: true },
    });
    await pushPolicy.run(h.context(changed));
    expect(
      h.bus.published.map((p) => (p.payload as { policy: { spec: { halt: boolean } } }).policy.spec.halt),
    ).toEqual([false, true]);
  });

  it('says Halted when spec.halt is set, with an event, and Resumed when lifted', async () => {
    const h = harness();
    const policy = h.cluster.put(testPolicy('guard', { halt: true, haltReason: 'incident' }));
    h.cluster.put(bound('a'));
    await h.reconcile('guard');
    const halted = h.cluster.get<RiskPolicy>('RiskPolicy', 'trading', 'guard');
    expect(halted?.status?.halted).toBe(true);
    expect(halted?.status?.conditions?.find((c) => c.type === 'Halted')).toMatchObject({
      status: 'True',
      reason: 'HaltRequested',
      message: 'incident',
    });
    expect(h.events.events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'Halted' }));
    const current = h.cluster.get<RiskPolicy>('RiskPolicy', 'trading', 'guard') as RiskPolicy;
    const { haltReason: _r, ...spec } = current.spec;
    h.cluster.put({
      ...current,
      metadata: { ...current.metadata, generation: 5 },
      spec: { ...spec, halt: false },
    });
    await h.reconcile('guard');
    expect(h.events.reasons()).toContain('Resumed');
    expect(policy.metadata.name).toBe('guard');
  });

  it('holds deletion while live bots are bound, naming them, and lets go once they are not', async () => {
    const h = harness();
    const policy = testPolicy('guard');
    h.cluster.put({
      ...policy,
      metadata: { ...policy.metadata, finalizers: [policyFinalizer], deletionTimestamp: new Date() },
    });
    const a = h.cluster.put(bound('a'));
    h.cluster.put(bound('b', { suspend: true }));
    expect(await h.reconcile('guard')).toEqual({ requeueAfterMs: 30_000 });
    expect(h.events.events).toEqual([
      expect.objectContaining({ type: 'Warning', reason: 'DeletionBlocked' }),
    ]);
    expect(h.events.events[0]?.message).toContain('running bots: a;');
    h.cluster.put({ ...a, spec: { ...a.spec, suspend: true } });
    await h.reconcile('guard');
    expect(h.cluster.get('RiskPolicy', 'trading', 'guard')).toBeUndefined();
  });

  it('does nothing for a policy that is gone', async () => {
    const h = harness();
    expect(await h.reconcile('missing')).toBeUndefined();
    expect(h.cluster.writes).toEqual([]);
  });

  it('keeps the finalizer step idempotent', async () => {
    const h = harness();
    const ctx = h.context(h.cluster.put(testPolicy('guard')));
    await ensureFinalizer.run(ctx);
    await ensureFinalizer.run(ctx);
    expect(h.cluster.writes).toEqual([`finalizers riskpolicies/guard [${policyFinalizer}]`]);
    expect((await finalize.run(h.context(testPolicy('other')))).kind).toBe('stop');
  });
});

describe('computePolicyStatus', () => {
  it('reports halted when a bound bot reports a breach', () => {
    const policy = testPolicy('guard');
    const bot = bound('a');
    const breached: TradingBot = {
      ...bot,
      status: {
        conditions: [
          {
            type: 'RiskHalted',
            status: 'True',
            reason: 'RiskLimitBreached',
            message: 'max daily loss',
            lastTransitionTime: '2026-01-01T00:00:00Z',
          },
        ],
      },
    };
    const s = computePolicyStatus(policy, [breached], Date.parse('2026-01-01T00:00:00Z'));
    expect(s.halted).toBe(true);
    expect(s.conditions?.find((c) => c.type === 'Halted')).toMatchObject({
      status: 'True',
      reason: 'RiskLimitBreached',
    });
  });
});

describe('latestBreach', () => {
  it('keeps the newest of the stored breach and the reported ones', async () => {
    const { latestBreach } = await import('./status.ts');
    const stored = { bot: 'a', rule: 'cooldown' as const, time: '2026-01-01T10:00:00Z' };
    expect(latestBreach(stored, [])).toBe(stored);
    expect(
      latestBreach(stored, [{ bot: 'b', breach: { rule: 'maxDailyLoss', time: '2026-01-01T09:00:00Z' } }]),
    ).toBe(stored);
    expect(
      latestBreach(stored, [
        { bot: 'b', breach: { rule: 'maxDailyLoss', time: '2026-01-01T11:00:00Z', message: 'lost 5.2 %' } },
        { bot: 'c', breach: { rule: 'pairLock', time: '2026-01-01T10:30:00Z' } },
      ]),
    ).toEqual({ bot: 'b', rule: 'maxDailyLoss', time: '2026-01-01T11:00:00Z', message: 'lost 5.2 %' });
  });

  it("lands in the policy status from the bound bots' reports, with a RiskBreach event", async () => {
    const h = harness();
    h.cluster.put(testPolicy('guard'));
    h.cluster.put(bound('a'));
    const reports = new Map([
      [
        'trading/a',
        {
          receivedAt: 0,
          report: {
            time: '2026-01-01T11:00:00Z',
            healthy: true,
            lastBreach: {
              rule: 'maxDrawdown' as const,
              time: '2026-01-01T10:59:00Z',
              message: 'drawdown 12 %',
            },
          },
        },
      ],
    ]);
    const deps = { ...h.deps, reports: { get: (k: string) => reports.get(k) } };
    await riskPolicyReconciler(deps)('trading/guard', {
      log: silentLogger(),
      signal: new AbortController().signal,
    });
    expect(h.cluster.get<RiskPolicy>('RiskPolicy', 'trading', 'guard')?.status?.lastBreach).toEqual({
      bot: 'a',
      rule: 'maxDrawdown',
      time: '2026-01-01T10:59:00Z',
      message: 'drawdown 12 %',
    });
    expect(h.events.events).toContainEqual(
      expect.objectContaining({
        type: 'Warning',
        reason: 'RiskBreach',
        message: 'a hit maxDrawdown: drawdown 12 %',
      }),
    );
  });
});
