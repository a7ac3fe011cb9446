import { type Context, ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { TradingBotSpec } from '../../crds/index.ts';
import type { Bus, MarketDataMessage } from '../bus/bus.ts';
import { SignalJoin, type SignalMessage, StrategyWorker } from './signals.ts';

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

describe('StrategyWorker', () => {
  it('publishes a signal at once when none is going out, and behind a slow one in candle order', async () => {
    const published: number[] = [];
    let release: (() => void) | undefined;
    let deliver: ((m: MarketDataMessage, c: Context) => void) | undefined;
    const bus = {
      subscribeMarketData: async (_filter: unknown, handler: typeof deliver) => {
        deliver = handler;
        return { unsubscribe: async () => undefined };
      },
      publishEvent: async (_kind: string, _id: string, payload: SignalMessage) => {
        published.push(payload.t);
        if (payload.t === 1) await new Promise<void>((resolve) => (release = resolve));
        return { seq: published.length, duplicate: false };
      },
    } as unknown as Bus;
    const worker = new StrategyWorker({ bus, bot, strategy: 'rsi' });
    await worker.start();
    deliver!(md('ETH/BTC', 0), ROOT_CONTEXT);
    expect(published).toEqual([0]);
    await new Promise((resolve) => setImmediate(resolve));
    deliver!(md('ETH/BTC', 1), ROOT_CONTEXT);
    deliver!(md('ETH/BTC', 2), ROOT_CONTEXT);
    deliver!(md('ETH/BTC', 3), ROOT_CONTEXT);
    await new Promise((resolve) => setImmediate(resolve));
    expect(published).toEqual([0, 1]);
    release!();
    await worker.stop();
    expect(published).toEqual([0, 1, 2, 3]);
  });
});
