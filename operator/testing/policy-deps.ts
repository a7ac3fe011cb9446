// RiskPolicy controller dependencies over a FakeCluster, for step tests.
import type { RiskPolicy, TradingBot } from '../../crds/index.ts';
import { boundBots, type PolicyContext, type RiskPolicyDeps } from '../controllers/riskpolicy/context.ts';
import { riskPolicyReconciler } from '../controllers/riskpolicy/reconciler.ts';
import { FakeClock } from '../runtime/fake-clock.ts';
import { silentLogger } from '../runtime/index.ts';
import { FakeBus } from './bot-deps.ts';
import { FakeCluster, RecordingEvents } from './fake-cluster.ts';
import { testBot } from './fixtures.ts';

export function policyHarness() {
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
  const reconcile = (name: string, overrides: Partial<RiskPolicyDeps> = {}) =>
    riskPolicyReconciler({ ...deps, ...overrides })(`trading/${name}`, {
      log: silentLogger(),
      signal: new AbortController().signal,
    });
  return { cluster, events, bus, deps, context, reconcile };
}

/** A bot bound to the policy `guard`. */
export const boundBot = (name: string, spec: Record<string, unknown> = {}) =>
  testBot(name, { riskPolicyRef: { name: 'guard' }, ...spec });
