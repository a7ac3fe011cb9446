import { describe, expect, it } from 'vitest';
import type { TradingBotSpec } from '../../crds/index.ts';
import { SignalJoin } from './signals.ts';

const bot = {
  symbols: ['ETH/BTC', 'LTC/BTC'],
  strategies: [
    { name: 'rsi', type: 'rsi', rsi: {} },
    { name: 'macd', type: 'macd', macd: {}, symbols: ['ETH/BTC'] },
  ],
} as unknown as TradingBotSpec;

const candle = (t: number) => ({ t, open: 1, high: 1, low: 1, close: 1, volume: 1 });
const md = (symbol: string, t: number) => ({ symbol, timeframe: '5m', candle: candle(t) });
const sig = (strategy: string, symbol: string, t: number, signal: -1 | 0 | 1) => ({
  strategy,
  symbol,
  t,
  signal,
  ready: true,
});

describe('SignalJoin', () => {
  it('releases candles in arrival order once every strategy of the symbol answered', () => {
    const j = new SignalJoin(bot);
    j.addCandle(md('ETH/BTC', 0));
    j.addCandle(md('LTC/BTC', 0));
    j.addSignal(sig('rsi', 'LTC/BTC', 0, 1));
    j.addSignal(sig('rsi', 'ETH/BTC', 0, -1));
    // ETH/BTC still waits for macd, and LTC/BTC waits behind it.
    expect(j.next()).toBeUndefined();
    j.addSignal(sig('macd', 'ETH/BTC', 0, 1));
    expect(j.next()?.symbol).toBe('ETH/BTC');
    expect(j.signal('rsi', 'ETH/BTC', 0)).toBe(-1);
    expect(j.signal('macd', 'ETH/BTC', 0)).toBe(1);
    expect(j.next()?.symbol).toBe('LTC/BTC');
    expect(j.signal('rsi', 'LTC/BTC', 0)).toBe(1);
    expect(j.next()).toBeUndefined();
    expect(j.states.get('rsi')).toMatchObject({ ready: true, lastSignal: -1, lastSignalTime: 0 });
  });

  it('counts a candle a restarted strategy skipped as a hold instead of waiting for ever', () => {
    const j = new SignalJoin(bot);
    j.addCandle(md('LTC/BTC', 0));
    j.addCandle(md('LTC/BTC', 300_000));
    expect(j.next()).toBeUndefined();
    j.addSignal(sig('rsi', 'LTC/BTC', 300_000, 1));
    expect(j.next()?.candle.t).toBe(0);
    expect(j.signal('rsi', 'LTC/BTC', 0)).toBe(0);
    expect(j.skipped).toBe(1);
    expect(j.next()?.candle.t).toBe(300_000);
    expect(j.signal('rsi', 'LTC/BTC', 300_000)).toBe(1);
  });

  it('holds buys while new positions are blocked, and turns every signal into a sell to flatten', () => {
    const j = new SignalJoin(bot);
    j.addSignal(sig('rsi', 'LTC/BTC', 0, 1));
    j.holdBuys = true;
    expect(j.signal('rsi', 'LTC/BTC', 0)).toBe(0);
    j.addSignal(sig('rsi', 'LTC/BTC', 1, -1));
    expect(j.signal('rsi', 'LTC/BTC', 1)).toBe(-1);
    j.sellAll = true;
    j.addSignal(sig('rsi', 'LTC/BTC', 2, 1));
    expect(j.signal('rsi', 'LTC/BTC', 2)).toBe(-1);
  });
});
