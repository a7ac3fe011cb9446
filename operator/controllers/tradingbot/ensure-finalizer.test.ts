import { describe, expect, it } from 'vitest';
import { botHarness } from '../../testing/bot-deps.ts';
import { testBot } from '../../testing/fixtures.ts';
import { botFinalizer } from './context.ts';
import { ensureFinalizer } from './ensure-finalizer.ts';

describe('ensure-finalizer', () => {
  it('adds the finalizer once', async () => {
    const h = botHarness();
    const ctx = h.context(h.cluster.put(testBot()));
    expect((await ensureFinalizer.run(ctx))?.kind).toBe('continue');
    expect(ctx.bot.metadata.finalizers).toEqual([botFinalizer]);
    await ensureFinalizer.run(ctx);
    expect(h.cluster.writes).toEqual([`finalizers tradingbots/alpha [${botFinalizer}]`]);
  });

  it('reads the bot again when its cached copy is stale', async () => {
    const h = botHarness();
    const stale = h.cluster.put(testBot());
    h.cluster.put({ ...stale, metadata: { ...stale.metadata, labels: { moved: 'on' } } });
    const ctx = h.context(stale);
    await ensureFinalizer.run(ctx);
    expect(ctx.bot.metadata.finalizers).toEqual([botFinalizer]);
    expect(ctx.bot.metadata.labels).toEqual({ moved: 'on' });
  });
});
