import { describe, expect, it } from 'vitest';
import { testPolicy } from '../../testing/fixtures.ts';
import { boundBot, policyHarness } from '../../testing/policy-deps.ts';
import { pushPolicy } from './push.ts';

describe('push', () => {
  it('pushes again when the policy changes', async () => {
    const h = policyHarness();
    const policy = h.cluster.put(testPolicy('guard'));
    h.cluster.put(boundBot('a'));
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
});
