// A sell signal while the protective stop is still selling the position: a
// stop that triggered on a thin candle fills only a share of the candle's
// volume and sells the rest on the next candles. The position is the stop's;
// an exit order on top of it would sell the rest twice and leave the long-only
// bot short.
import { describe, expect, it } from 'vitest';
import { tradingBotSpec } from '../../crds/index.ts';
import { dec } from '../domain/index.ts';
import { DEFAULT_RISK_POLICY } from '../risk/index.ts';
import { PaperVenue } from '../venue/paper/index.ts';
import { CandleClock } from './clock.ts';
import { btcInstrument, Scripted } from './fake-scripted.ts';
import { Kernel } from './kernel.ts';

const TF = 300_000;
const T0 = Date.UTC(2024, 0, 1);

describe('Kernel: a sell signal while the stop sells the position', () => {
  it('places no exit: the stop sells the whole position, once', () => {
    const instrument = btcInstrument('ETH');
    const bot = tradingBotSpec(
      {
        exchange: { name: 'binance' },
        symbols: ['ETH/BTC'],
        timeframe: '5m',
        capital: { amount: '100', currency: 'BTC' },
        strategies: [{ name: 'script', type: 'rsi', rsi: {} }],
        execution: { takerFeePercent: '0.1', slippageBps: 0, latencyMs: 50, partialFills: true },
      },
      'k',
    );
    const k = new Kernel({
      bot,
      policy: DEFAULT_RISK_POLICY,
      markets: [{ symbol: 'ETH/BTC', instrument }],
      timeframeMs: TF,
      venue: new PaperVenue({
        instruments: [instrument],
        timeframeMs: TF,
        execution: bot.execution,
        impactBps: 0,
      }),
      clock: new CandleClock(),
      // Buy on candle 1; sell on candle 3, the candle whose low triggers the stop.
      strategyFactory: () => [new Scripted({ 1: 1, 3: -1 })],
    });
    k.onStart();
    // [open, high, low, close, volume]; a tenth of a candle's volume may fill.
    const candles = [
      [10, 10, 10, 10, 1000],
      [10, 10, 10, 10, 1000], // buy signal: 2.5 ETH (the 25 % position cap)
      [11, 11, 11, 11, 1000], // bought at the open, 11; the stop at 2 % below: 10.78
      [11, 11, 10, 10.5, 10], // the low triggers the stop: 1 ETH of 2.5 sold (a tenth of 10); sell signal
      [10.5, 10.5, 10.5, 10.5, 1000], // the stop sells the other 1.5
      [10.5, 10.5, 10.5, 10.5, 1000],
    ];
    for (const [i, [o, h, l, c, v]] of candles.entries()) k.step(0, T0 + i * TF, o!, h!, l!, c!, v!);
    k.onStop();
    expect(k.orders.map((o) => [o.side, o.quantity])).toEqual([['BUY', '2.5']]);
    const sells = k.fills.filter((f) => f.side === 'SELL');
    expect(sells.map((f) => f.quantity.toFixed())).toEqual(['1', '1.5']);
    expect(k.portfolio.position('ETH/BTC').quantity.eq(dec(0))).toBe(true);
    expect(k.trades.map((t) => t.exitReason)).toEqual(['stopLoss']);
  });
});
