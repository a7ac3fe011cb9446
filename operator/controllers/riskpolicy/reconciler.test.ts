import { describe, expect, it } from 'vitest';
import type { RiskPolicy } from '../../../crds/index.ts';
import { testBot, testPolicy } from '../../testing/fixtures.ts';
import { boundBot, policyHarness } from '../../testing/policy-deps.ts';
import { policyFinalizer } from './context.ts';

describe('riskPolicyReconciler', () => {
  it('adds its finalizer, pushes the policy to each live bound bot once, and records who is bound', async () => {
    const h = policyHarness();
    h.cluster.put(testPolicy('guard', { maxOpenPositions: 2 }));
    h.cluster.put(boundBot('b'));
    h.cluster.put(boundBot('a'));
    h.cluster.put(boundBot('sleeping', { suspend: true }));
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

  it('does nothing for a policy that is gone', async () => {
    const h = policyHarness();
    expect(await h.reconcile('missing')).toBeUndefined();
    expect(h.cluster.writes).toEqual([]);
  });
});
