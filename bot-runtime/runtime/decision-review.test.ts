import { describe, expect, it } from 'vitest';
import type { TradingBotSpec } from '../../crds/index.ts';
import { Advisor, type ChatClient } from '../ai/advisor/index.ts';
import type { DecisionContext } from '../ai/advisor/prompt.ts';
import { DecisionReview, type ReviewState } from './decision-review.ts';
import { SignalJoin } from './signals.ts';

const bot = {
  symbols: ['ETH/BTC'],
  timeframe: '5m',
  strategies: [
    { name: 'rsi', type: 'rsi', weight: '2', rsi: {} },
    { name: 'macd', type: 'macd', weight: '1', macd: {} },
  ],
  combine: { method: 'weightedVote', threshold: 0.6 },
} as unknown as TradingBotSpec;

const candle = (t: number) => ({ t, open: 1, high: 1.1, low: 0.9, close: 1.05, volume: 10 });

/** A chat client that answers `approve` and keeps what it was asked. */
function client(approve: boolean) {
  const asked: DecisionContext[] = [];
  const chat: ChatClient = {
    async complete(messages) {
      asked.push(JSON.parse(messages[1]!.content) as DecisionContext);
      return {
        text: JSON.stringify({ approve, reason: approve ? 'fine' : 'not now' }),
        usage: { inputTokens: 10, outputTokens: 5 },
      };
    },
  };
  return { chat, asked };
}

function setup(approve: boolean, open?: { quantity: string; entryPrice: string; unrealizedPnl: string }) {
  const { chat, asked } = client(approve);
  const advisor = new Advisor(
    {
      model: 'gpt-4o-mini',
      role: 'veto',
      timeoutMs: 1000,
      budget: { maxRequestsPerDay: 10, maxCostPerDay: '1' },
    },
    chat,
  );
  const review = new DecisionReview(advisor, bot, 'default/eth', 'BTC');
  const join = new SignalJoin(bot);
  const state: ReviewState = { position: () => open, equity: () => '1.5', riskState: () => 'Active' };
  const signal = (strategy: string, t: number, s: -1 | 0 | 1) =>
    join.addSignal({ strategy, symbol: 'ETH/BTC', t, signal: s, ready: true });
  return { review, join, state, signal, asked };
}

describe('DecisionReview', () => {
  it('asks when the combined signals open a position, and a no makes every strategy hold on that candle', async () => {
    const { review, join, state, signal, asked } = setup(false);
    review.observe('ETH/BTC', candle(0));
    signal('rsi', 0, 1);
    signal('macd', 0, 0);
    const r = await review.review('ETH/BTC', candle(0), join, state);
    expect(r).toMatchObject({
      action: 'buy',
      verdict: { allow: false, outcome: 'rejected', reason: 'not now' },
    });
    expect([join.peek('rsi', 'ETH/BTC', 0), join.signal('rsi', 'ETH/BTC', 0)]).toEqual([0, 0]);
    expect(asked[0]).toMatchObject({
      bot: 'default/eth',
      action: 'buy',
      signals: [
        { strategy: 'rsi', type: 'rsi', signal: 'buy' },
        { strategy: 'macd', type: 'macd', signal: 'hold' },
      ],
      candles: [{ t: '1970-01-01T00:00:00.000Z', close: 1.05 }],
      equity: '1.5',
      currency: 'BTC',
      riskState: 'Active',
    });
    // The veto was for that candle only.
    signal('rsi', 300_000, 1);
    expect(join.peek('rsi', 'ETH/BTC', 300_000)).toBe(1);
  });

  it('a no holds every strategy of the candle, however many read their signal', async () => {
    const { review, join, state, signal } = setup(false);
    signal('rsi', 0, 1);
    signal('macd', 0, 1);
    await review.review('ETH/BTC', candle(0), join, state);
    expect([join.signal('rsi', 'ETH/BTC', 0), join.signal('macd', 'ETH/BTC', 0)]).toEqual([0, 0]);
  });

  it('does not ask when nothing would happen: a hold, a vote under the threshold, a buy while long or halted, a sell while flat', async () => {
    const flat = setup(false);
    flat.signal('macd', 0, 1); // weight 1 of 3: under the 0.6 threshold
    flat.signal('rsi', 300_000, -1);
    expect(await flat.review.review('ETH/BTC', candle(0), flat.join, flat.state)).toBeUndefined();
    expect(await flat.review.review('ETH/BTC', candle(300_000), flat.join, flat.state)).toBeUndefined();
    const long = setup(false, { quantity: '1', entryPrice: '1', unrealizedPnl: '0' });
    long.signal('rsi', 0, 1);
    expect(await long.review.review('ETH/BTC', candle(0), long.join, long.state)).toBeUndefined();
    const halted = setup(false);
    halted.state = { ...halted.state, riskState: () => 'Halted' };
    halted.signal('rsi', 0, 1);
    expect(await halted.review.review('ETH/BTC', candle(0), halted.join, halted.state)).toBeUndefined();
    expect(flat.asked.length + long.asked.length + halted.asked.length).toBe(0);
  });

  it('asks before closing a position, and never during halt-and-flatten', async () => {
    const long = setup(true, { quantity: '2', entryPrice: '1', unrealizedPnl: '0.1' });
    long.signal('rsi', 0, -1);
    const r = await long.review.review('ETH/BTC', candle(0), long.join, long.state);
    expect(r).toMatchObject({ action: 'sell', verdict: { allow: true } });
    expect(long.asked[0]!.position).toEqual({ quantity: '2', entryPrice: '1', unrealizedPnl: '0.1' });
    expect(long.join.peek('rsi', 'ETH/BTC', 0)).toBe(-1);
    long.join.sellAll = true;
    expect(await long.review.review('ETH/BTC', candle(300_000), long.join, long.state)).toBeUndefined();
    expect(long.asked).toHaveLength(1);
  });

  it('sends at most the last 20 candles as context', async () => {
    const { review, join, state, signal, asked } = setup(true);
    for (let i = 0; i < 30; i++) review.observe('ETH/BTC', candle(i * 300_000));
    signal('rsi', 29 * 300_000, 1);
    await review.review('ETH/BTC', candle(29 * 300_000), join, state);
    expect(asked[0]!.candles).toHaveLength(20);
    expect(asked[0]!.candles[19]!.t).toBe(new Date(29 * 300_000).toISOString());
  });
});
