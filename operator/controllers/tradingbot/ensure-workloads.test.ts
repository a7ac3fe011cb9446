import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
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

describe('ensure-workloads', () => {
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

  it('applies the ConfigMap in the first wave, with the other supporting objects, before any Deployment', async () => {
    const h = botHarness();
    const bot = h.cluster.put(testBot());
    const ctx = h.context(bot);
    await render.run(ctx);
    const inFlight: string[] = [];
    const waves: string[][] = [];
    const apply = h.cluster.client.applier.apply.bind(h.cluster.client.applier);
    h.cluster.client.applier.apply = async (object, live) => {
      // Everything started before the first answer is one wave (one round trip).
      inFlight.push(object.kind ?? '');
      await Promise.resolve();
      if (inFlight.length > 0) waves.push(inFlight.splice(0).sort());
      return apply(object, live);
    };
    await ensureWorkloads.run(ctx);
    expect(waves).toEqual([
      ['ConfigMap', 'NetworkPolicy', 'Service', 'ServiceAccount'],
      ['Deployment', 'Deployment', 'Deployment', 'Deployment'],
    ]);
    expect(
      h.cluster.get<V1ConfigMap>('ConfigMap', 'trading', 'alpha-config')?.data?.['config.json'],
    ).toContain('"alpha"');
  });

  it('restores a hand-edited ConfigMap and says so', async () => {
    const h = botHarness();
    h.cluster.put(testBot());
    await reconcileOnce(h);
    const cm = h.cluster.get<V1ConfigMap>('ConfigMap', 'trading', 'alpha-config');
    h.cluster.put({ ...cm, data: { 'config.json': '{"tampered":true}' } });
    await reconcileOnce(h);
    expect(
      h.cluster.get<V1ConfigMap>('ConfigMap', 'trading', 'alpha-config')?.data?.['config.json'],
    ).not.toContain('tampered');
    expect(h.events.events.find((e) => e.reason === 'DriftCorrected')?.message).toContain(
      'ConfigMap/alpha-config',
    );
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
});

describe('ensure-workloads on lost leadership', () => {
  it('stops writing as soon as the signal is aborted', async () => {
    const h = botHarness();
    const bot = h.cluster.put(testBot());
    const abort = new AbortController();
    const ctx = { ...h.context(bot), signal: abort.signal };
    await render.run(ctx);
    const apply = h.cluster.client.applier.apply.bind(h.cluster.client.applier);
    h.cluster.client.applier.apply = async (object, live) => {
      const result = await apply(object, live);
      if (object.kind === 'ServiceAccount') abort.abort(new Error('stopped leading'));
      return result;
    };
    await expect(ensureWorkloads.run(ctx)).rejects.toThrow('stopped leading');
    // The wave under way finishes; no Deployment is applied after the abort.
    expect(h.cluster.writes.filter((w) => w.startsWith('apply Deployment'))).toEqual([]);
    expect(h.cluster.writes).toContain('apply ServiceAccount/alpha-runtime');
  });
});
