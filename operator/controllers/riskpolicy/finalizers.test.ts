import { describe, expect, it } from 'vitest';
import { testPolicy } from '../../testing/fixtures.ts';
import { boundBot, policyHarness } from '../../testing/policy-deps.ts';
import { policyFinalizer } from './context.ts';
import { ensureFinalizer, finalize } from './finalizers.ts';

describe('finalizers', () => {
  it('holds deletion while live bots are bound, naming them, and lets go once they are not', async () => {
    const h = policyHarness();
    const policy = testPolicy('guard');
    h.cluster.put({
      ...policy,
      metadata: { ...policy.metadata, finalizers: [policyFinalizer], deletionTimestamp: new Date() },
    });
    const a = h.cluster.put(boundBot('a'));
    h.cluster.put(boundBot('b', { suspend: true }));
    expect(await h.reconcile('guard')).toEqual({ requeueAfterMs: 30_000 });
    expect(h.events.events).toEqual([
      expect.objectContaining({ type: 'Warning', reason: 'DeletionBlocked' }),
    ]);
    expect(h.events.events[0]?.message).toContain('running bots: a;');
    h.cluster.put({ ...a, spec: { ...a.spec, suspend: true } });
    await h.reconcile('guard');
    expect(h.cluster.get('RiskPolicy', 'trading', 'guard')).toBeUndefined();
  });

  it('keeps the finalizer step idempotent', async () => {
    const h = policyHarness();
    const ctx = h.context(h.cluster.put(testPolicy('guard')));
    await ensureFinalizer.run(ctx);
    await ensureFinalizer.run(ctx);
    expect(h.cluster.writes).toEqual([`finalizers riskpolicies/guard [${policyFinalizer}]`]);
    expect((await finalize.run(h.context(testPolicy('other'))))?.kind).toBe('stop');
  });
});
