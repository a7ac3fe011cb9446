// The kernel on a hand-made market, with a scripted strategy: every step of
// signal -> risk -> venue -> portfolio checked against figures worked out by hand.
import { describe, expect, it } from 'vitest';
import { Instrument } from '../domain/index.ts';
import { DEFAULT_RISK_POLICY } from '../risk/index.ts';
import type { Signal } from '../strategies/index.ts';
import { PaperVenue } from '../venue/paper/index.ts';
import { CandleClock } from './clock.ts';
import { btcInstrument, Scripted, scriptedBot } from './fake-scripted.ts';
import { Kernel } from './kernel.ts';

const TF = 300_000;
const T0 = Date.UTC(2024, 0, 1);

function kernel(script: Record<number, Signal>) {
  const instrument = btcInstrument('ETH');
  const b = scriptedBot();
  const venue = new PaperVenue({
    instruments: [instrument],
    timeframeMs: TF,
    execution: b.execution,
    impactBps: 0,
  });
  const k = new Kernel({
    bot: b,
    policy: { ...DEFAULT_RISK_POLICY, pairLock: { stopLosses: 1, minutes: 60 } },
    markets: [{ symbol: 'ETH/BTC', instrument }],
    timeframeMs: TF,
    venue,
    clock: new CandleClock(),
    strategyFactory: () => [new Scripted(script)],
  });
  k.onStart();
  return k;
}

// [open, high, low, close] per candle, volume 1000.
function run(k: Kernel, candles: [number, number, number, number][]): void {
  for (const [i, [o, h, l, c]] of candles.entries()) k.step(0, T0 + i * TF, o, h, l, c, 1000);
  k.onStop();
}

describe('Kernel', () => {
  it('buys at the next open, sized and capped by the policy, and sells on the sell signal', () => {
    const k = kernel({ 1: 1, 3: -1 });
    run(k, [
      [10, 10, 10, 10],
      [10, 10, 10, 10], // buy signal at this close
      [11, 11, 11, 11], // filled at the open, 11
      [12, 12, 12, 12], // sell signal
      [13, 13, 13, 13], // filled at 13
    ]);
    // Sizing: 2 % risk / 2 % stop asks for all 100 BTC; maxPositionSize 25 % binds: 25 BTC at the close of 10 -> 2.5 ETH.
    expect(k.orders.map((o) => [o.side, o.quantity, o.ts])).toEqual([
      ['BUY', '2.5', T0 + 2 * TF],
      ['SELL', '2.5', T0 + 4 * TF],
    ]);
    expect(k.fills.map((f) => [f.side, f.price.toFixed(), f.fee.amount.toFixed(), f.ts])).toEqual([
      ['BUY', '11', '0.0275', T0 + 2 * TF + 50],
      ['SELL', '13', '0.0325', T0 + 4 * TF + 50],
    ]);
    // (13 - 11) * 2.5 - fees 0.06 = 4.94.
    expect(k.trades).toHaveLength(1);
    expect(k.trades[0]).toMatchObject({
      pnl: '4.94',
      exitReason: 'signal',
      entryPrice: '11',
      exitPrice: '13',
      strategies: ['script'],
    });
    expect(k.equityDecimal().toFixed()).toBe('104.94');
    // One equity point per candle close.
    expect(Array.from(k.equity.times)).toEqual([1, 2, 3, 4, 5].map((i) => T0 + i * TF));
    expect(k.equity.values.at(-1)).toBeCloseTo(104.94, 10);
  });

  it('the protective stop closes the trade at the stop, and the pair lock then denies the next entry', () => {
    const k = kernel({ 1: 1, 4: 1 });
    run(k, [
      [10, 10, 10, 10],
      [10, 10, 10, 10], // buy
      [10, 10, 10, 10], // filled at 10; stop at 9.80
      [10, 10, 9.5, 9.6], // the low reaches the stop: sold at 9.80
      [9.6, 9.6, 9.6, 9.6], // buy signal again: the pair is locked for 60 minutes
      [9.6, 9.6, 9.6, 9.6],
    ]);
    expect(k.fills.map((f) => [f.side, f.price.toFixed(), f.liquidity])).toEqual([
      ['BUY', '10', 'TAKER'],
      ['SELL', '9.8', 'TAKER'],
    ]);
    expect(k.trades[0]).toMatchObject({ exitReason: 'stopLoss', quantity: '2.5' });
    expect(k.risk.denials.map((d) => d.code)).toEqual(['PAIR_LOCKED']);
    expect(k.orders).toHaveLength(1);
  });

  it.each([
    [0, 'CANCELED', 0],
    // The cancel arrives 50 ms into the candle; the order works from the candle's start, so it can still fill.
    [50, 'FILLED', 1],
  ])('a sell signal cancels a working entry (latency %i ms: %s)', (latencyMs, status, fills) => {
    const instrument = new Instrument({
      symbol: 'ETH/BTC',
      base: 'ETH',
      quote: 'BTC',
      tickSize: '0.01',
      lotSize: '0.01',
    });
    const base = scriptedBot();
    const b = {
      ...base,
      execution: { ...base.execution, orderType: 'limit' as const, limitOffsetBps: 100, latencyMs },
    };
    const k = new Kernel({
      bot: b,
      markets: [{ symbol: 'ETH/BTC', instrument }],
      timeframeMs: TF,
      venue: new PaperVenue({ instruments: [instrument], timeframeMs: TF, execution: b.execution }),
      clock: new CandleClock(),
      strategyFactory: () => [new Scripted({ 1: 1, 2: -1 })],
    });
    k.onStart();
    run(k, [
      [10, 10, 10, 10],
      [10, 10, 10, 10], // buy: a limit at 9.90
      [10, 10, 9.95, 10], // not reached; sell signal: cancel
      [10, 10, 9.5, 10], // trades through 9.90
    ]);
    expect(k.orders[0]).toMatchObject({ side: 'BUY', type: 'LIMIT', price: '9.9', status });
    expect(k.fills).toHaveLength(fills);
  });

  it('fills the rest of a triggered stop on the next candle, whose low is above the stop', () => {
    const instrument = btcInstrument('ETH');
    const b = scriptedBot();
    const execution = { ...b.execution, partialFills: true };
    const k = new Kernel({
      bot: { ...b, execution },
      policy: DEFAULT_RISK_POLICY,
      markets: [{ symbol: 'ETH/BTC', instrument }],
      timeframeMs: TF,
      venue: new PaperVenue({ instruments: [instrument], timeframeMs: TF, execution, impactBps: 0 }),
      clock: new CandleClock(),
      strategyFactory: () => [new Scripted({ 1: 1 })],
    });
    k.onStart();
    // [open, high, low, close, volume]: 10 % of a candle's volume fills.
    const candles = [
      [10, 10, 10, 10, 1000],
      [10, 10, 10, 10, 1000], // buy signal: 2.5 ETH
      [11, 11, 11, 11, 1000], // filled at 11; the stop is 2 % below, 10.78
      [11, 11, 10, 10.5, 10], // the stop triggers: 1 ETH of the candle's 10 fills
      [12, 12, 12, 12, 1000], // the low is above the stop: the other 1.5 fill at the open
    ];
    for (const [i, [o, h, l, c, v]] of candles.entries()) k.step(0, T0 + i * TF, o!, h!, l!, c!, v!);
    k.onStop();
    expect(k.fills.map((f) => [f.side, f.quantity.toFixed(), f.price.toFixed(), f.ts])).toEqual([
      ['BUY', '2.5', '11', T0 + 2 * TF + 50],
      ['SELL', '1', '10.78', T0 + 3 * TF],
      ['SELL', '1.5', '12', T0 + 4 * TF],
    ]);
    expect(k.trades.map((t) => [t.quantity, t.exitReason])).toEqual([['2.5', 'stopLoss']]);
  });
});
