import { describe, expect, it } from 'vitest';
import type { TradingBot } from '../../../crds/index.ts';
import { silentLogger } from '../../runtime/index.ts';
import { botHarness, rollOut } from '../../testing/bot-deps.ts';
import { testBot } from '../../testing/fixtures.ts';
import { tradingBotReconciler } from './reconciler.ts';

const run = (h: ReturnType<typeof botHarness>) =>
  tradingBotReconciler(h.deps)('trading/alpha', {
    log: silentLogger(),
    signal: new AbortController().signal,
  });

describe('tradingBotReconciler', () => {
  it('takes a new bot to Ready in two passes (children, then their rollout and a report)', async () => {
    const h = botHarness();
    h.cluster.put(testBot());
    await run(h);
    expect(h.deps.bots.get('alpha', 'trading')?.status?.phase).toBe('Starting');
    rollOut(h.cluster);
    h.reports.set('trading/alpha', {
      receivedAt: h.clock.now(),
      report: { time: '2026-01-01T00:00:00Z', healthy: true },
    });
    expect(await run(h)).toEqual({ requeueAfterMs: 60_001 });
    expect(h.deps.bots.get('alpha', 'trading')?.status?.phase).toBe('Running');
  });

  it('does nothing for a bot that is gone', async () => {
    const h = botHarness();
    expect(await run(h)).toBeUndefined();
    expect(h.cluster.writes).toEqual([]);
  });

  it('records a failed step as Degraded with an event, and still fails so the queue retries', async () => {
    const h = botHarness();
    h.cluster.put(testBot());
    const apply = h.cluster.client.applier.apply.bind(h.cluster.client.applier);
    h.cluster.client.applier.apply = async (object, live) => {
      if (object.kind === 'Deployment') throw new Error('exceeded quota: count/deployments.apps');
      return apply(object, live);
    };
    await expect(run(h)).rejects.toThrow('exceeded quota');
    const bot = h.deps.bots.get('alpha', 'trading') as TradingBot;
    expect(bot.status?.phase).toBe('Degraded');
    expect(bot.status?.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'ReconcileFailed',
      message: 'reconcile failed: ensure-workloads: exceeded quota: count/deployments.apps',
    });
    expect(h.events.events).toContainEqual(
      expect.objectContaining({ type: 'Warning', reason: 'ReconcileFailed' }),
    );
  });
});
