import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { TradingBot } from '../../../crds/index.ts';
import type { Plural } from '../../kube.ts';
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

  it('starts from its own last write while the cache lags behind it (no 409, no fresh read)', async () => {
    const h = botHarness();
    const created = h.cluster.put(testBot());
    // The informer is a watch event behind: it still holds the bot as created.
    let reads = 0;
    const deps = {
      ...h.deps,
      bots: { get: () => created, list: () => [created] },
      client: {
        ...h.deps.client,
        read: <T extends KubernetesObject>(plural: Plural, namespace: string, name: string) => {
          reads++;
          return h.deps.client.read<T>(plural, namespace, name);
        },
      },
    };
    const reconcile = tradingBotReconciler(deps);
    const options = { log: silentLogger(), signal: new AbortController().signal };
    await reconcile('trading/alpha', options);
    const writes = [...h.cluster.writes];
    // The children's events bring the bot back at once.
    await reconcile('trading/alpha', options);
    expect(reads).toBe(0);
    expect(h.cluster.writes).toEqual(writes);
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
