import { describe, expect, it } from 'vitest';
import { Step } from '../../runtime/index.ts';
import { botHarness } from '../../testing/bot-deps.ts';
import { testBot, testPolicy } from '../../testing/fixtures.ts';
import { repushAfterMs, syncPolicy } from './sync-policy.ts';

function setUp(reportedGeneration: number | undefined) {
  const h = botHarness();
  const pushes = new Map<string, { generation: number; at: number }>();
  const deps = { ...h.deps, policyPushes: pushes };
  const bot = testBot('alpha', { riskPolicyRef: { name: 'guard' } });
  const ctx = { ...h.context(bot), deps, policy: testPolicy('guard', { maxOpenPositions: 2 }) };
  if (reportedGeneration !== undefined) {
    h.reports.set('trading/alpha', {
      receivedAt: h.clock.now(),
      report: {
        time: '2026-01-01T00:00:00Z',
        healthy: true,
        policy: { name: 'guard', generation: reportedGeneration },
      },
    });
  }
  return { h, ctx };
}

describe('sync-policy', () => {
  it('pushes the current policy again when the executor reports an older one, at most every few seconds', async () => {
    const { h, ctx } = setUp(2);
    expect(await syncPolicy.run(ctx)).toEqual(Step.requeueAfter(repushAfterMs));
    expect(h.bus.published).toEqual([
      {
        subject: 'botcore.trading.alpha.control',
        payload: {
          command: 'apply-risk-policy',
          policy: { name: 'guard', generation: 3, spec: expect.objectContaining({ maxOpenPositions: 2 }) },
        },
      },
    ]);
    await h.clock.advance(1000);
    expect(await syncPolicy.run(ctx)).toEqual(Step.requeueAfter(repushAfterMs - 1000));
    expect(h.bus.published).toHaveLength(1);
    await h.clock.advance(repushAfterMs);
    await syncPolicy.run(ctx);
    expect(h.bus.published).toHaveLength(2);
  });

  it('does nothing when the executor applies the current policy, or does not say', async () => {
    for (const generation of [3, undefined]) {
      const { h, ctx } = setUp(generation);
      expect(await syncPolicy.run(ctx)).toEqual({ kind: 'continue' });
      expect(h.bus.published).toEqual([]);
    }
  });
});
