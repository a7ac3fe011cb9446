import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { type BotHarness, botHarness } from '../../testing/bot-deps.ts';
import { testBot } from '../../testing/fixtures.ts';
import { ensureWorkloads } from './ensure-workloads.ts';
import { prune } from './prune.ts';
import { render } from './render.ts';

/** render, ensure-workloads and prune, as one reconcile runs them. */
async function reconcileOnce(h: BotHarness, bot = h.deps.bots.get('alpha', 'trading')) {
  if (bot === undefined) throw new Error('no bot');
  const ctx = h.context(bot);
  await render.run(ctx);
  await ensureWorkloads.run(ctx);
  await prune.run(ctx);
  return ctx;
}

describe('prune', () => {
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
