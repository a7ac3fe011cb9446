import { describe, expect, it } from 'vitest';
import type { TradingBot } from '../../../crds/index.ts';
import { botHarness } from '../../testing/bot-deps.ts';
import { testBot } from '../../testing/fixtures.ts';
import { botFinalizer } from './context.ts';
import { finalize } from './finalize.ts';

function deleting(h: ReturnType<typeof botHarness>, spec: Record<string, unknown> = {}): TradingBot {
  const bot = testBot('alpha', spec);
  return h.cluster.put({
    ...bot,
    metadata: { ...bot.metadata, finalizers: [botFinalizer], deletionTimestamp: new Date(h.clock.now()) },
  });
}

describe('finalize', () => {
  it('asks the executor to halt and flatten, then removes the finalizer', async () => {
    const h = botHarness();
    h.bus.answer = { ok: true, flattened: ['BTC/USDT'] };
    const result = await finalize.run(h.context(deleting(h)));
    expect(result).toEqual({ kind: 'stop' });
    expect(h.bus.requests).toEqual([
      {
        subject: 'botcore.trading.alpha.control',
        payload: { command: 'halt-and-flatten', reason: 'TradingBot deleted' },
        timeoutMs: 5000,
      },
    ]);
    expect(h.events.events).toEqual([
      expect.objectContaining({ reason: 'HaltedAndFlattened', type: 'Normal' }),
    ]);
    expect(h.events.events[0]?.message).toContain('BTC/USDT');
    expect(h.cluster.get('TradingBot', 'trading', 'alpha')).toBeUndefined();
  });

  it('keeps the finalizer and comes back soon while the executor does not confirm', async () => {
    const h = botHarness();
    h.bus.answer = new Error('503 no responders');
    const result = await finalize.run(h.context(deleting(h)));
    expect(result).toEqual({ kind: 'stop', requeueAfterMs: 1000 });
    expect(h.cluster.get<TradingBot>('TradingBot', 'trading', 'alpha')?.metadata.finalizers).toEqual([
      botFinalizer,
    ]);
    expect(h.events.events).toEqual([]);
  });

  it('counts a refusal as not confirmed', async () => {
    const h = botHarness();
    h.bus.answer = { ok: false, message: 'exchange unreachable' };
    expect((await finalize.run(h.context(deleting(h))))?.kind).toBe('stop');
    expect(h.cluster.get('TradingBot', 'trading', 'alpha')).toBeDefined();
  });

  it('lets deletion proceed after the timeout, with a Warning', async () => {
    const h = botHarness();
    h.bus.answer = new Error('timeout');
    const bot = deleting(h);
    await h.clock.advance(30_000);
    await finalize.run(h.context(bot));
    expect(h.bus.requests).toEqual([]);
    expect(h.events.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'HaltTimeout' })]);
    expect(h.events.events[0]?.message).toContain('positions may remain open on binance');
    expect(h.cluster.get('TradingBot', 'trading', 'alpha')).toBeUndefined();
  });

  it('asks nothing of a suspended bot', async () => {
    const h = botHarness();
    await finalize.run(h.context(deleting(h, { suspend: true })));
    expect(h.bus.requests).toEqual([]);
    expect(h.cluster.get('TradingBot', 'trading', 'alpha')).toBeUndefined();
  });
});
