import type { V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { TradingBot } from '../../../crds/index.ts';
import { botHarness } from '../../testing/bot-deps.ts';
import { testBot, testPolicy } from '../../testing/fixtures.ts';
import { render } from './render.ts';

describe('render', () => {
  it('renders the children with the current policy, and writes nothing', async () => {
    const h = botHarness();
    h.cluster.put(testPolicy('guard', { maxOpenPositions: 4 }));
    const ctx = h.context(h.cluster.put(testBot('alpha', { riskPolicyRef: { name: 'guard' } })));
    await render.run(ctx);
    const cm = ctx.desired?.supporting.find((o): o is V1ConfigMap => o.kind === 'ConfigMap');
    expect(JSON.parse(cm?.data?.['risk-policy.json'] ?? 'null')).toMatchObject({
      name: 'guard',
      spec: { maxOpenPositions: 4 },
    });
    expect(ctx.desired?.workloads).toHaveLength(4);
    expect(ctx.policy?.metadata.name).toBe('guard');
    expect(h.cluster.writes).toEqual([]);
  });

  it('touches nothing when the referenced policy is missing', async () => {
    const h = botHarness();
    const ctx = h.context(h.cluster.put(testBot('alpha', { riskPolicyRef: { name: 'absent' } })));
    await render.run(ctx);
    expect(ctx.policyMissing).toBe(true);
    expect(ctx.desired).toBeUndefined();
    expect(h.cluster.writes).toEqual([]);
  });
});

describe('renderCached', () => {
  it('reuses a rendering while the bot and policy generations stay, and renders anew when one moves', async () => {
    const { renderCached } = await import('./render.ts');
    const { testSettings } = await import('../../testing/fixtures.ts');
    const bot = testBot();
    const first = renderCached(bot, undefined, testSettings);
    expect(renderCached({ ...bot }, undefined, testSettings)).toBe(first);
    const changed = renderCached(
      { ...bot, metadata: { ...bot.metadata, generation: 2 }, spec: { ...bot.spec, timeframe: '5m' } },
      undefined,
      testSettings,
    );
    expect(changed).not.toBe(first);
    expect(changed.config.timeframe).toBe('5m');
    expect(renderCached(bot, testPolicy('p'), testSettings)).not.toBe(changed);
  });

  it('keeps only the most recently used renderings', async () => {
    const { renderCached, renderCacheSize } = await import('./render.ts');
    const settings = { ...(await import('../../testing/fixtures.ts')).testSettings };
    const bots = Array.from({ length: renderCacheSize + 1 }, (_, i) => testBot(`bot-${i}`));
    const first = renderCached(bots[0] as TradingBot, undefined, settings);
    const last = bots
      .slice(1)
      .map((b) => renderCached(b, undefined, settings))
      .at(-1);
    // The newest stays; the oldest was dropped and is rendered anew (equal, not the same object).
    expect(renderCached(bots.at(-1) as TradingBot, undefined, settings)).toBe(last);
    const again = renderCached(bots[0] as TradingBot, undefined, settings);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
