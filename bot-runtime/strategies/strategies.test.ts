import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bollinger, Macd, Rsi, Sma, Stochastic } from '../indicators/index.ts';
import { loadCandlesCsv } from '../market-data/index.ts';
import { BollingerStrategy } from './bollinger.ts';
import { MacdStrategy } from './macd.ts';
import { createStrategy } from './registry.ts';
import { RsiStrategy } from './rsi.ts';
import { StochasticStrategy } from './stochastic.ts';
import type { Strategy } from './types.ts';
import { VolumeStrategy } from './volume.ts';

const CANDLES = join(import.meta.dirname, '../../../shared/data/candles');
const eth = loadCandlesCsv(join(CANDLES, 'ETH-BTC_5m.csv'), { gaps: 'keep' }).series;

function run(s: Strategy, n = eth.length): number[] {
  s.onStart();
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    out.push(s.onBar(eth.time[i]!, eth.open[i]!, eth.high[i]!, eth.low[i]!, eth.close[i]!, eth.volume[i]!));
  return out;
}

/** Signals computed the slow, obvious way from an indicator's full output. */
function crosses(values: number[], up: number, down: number): number[] {
  return values.map((v, i) => {
    const p = i > 0 ? values[i - 1]! : Number.NaN;
    if (p < up && v >= up) return 1;
    if (p > down && v <= down) return -1;
    return 0;
  });
}

describe('strategies on real ETH/BTC candles', () => {
  it('RSI signals exactly where RSI crosses up through oversold or down through overbought', () => {
    const rsi = new Rsi(14);
    const values = Array.from(eth.close, (c) => rsi.update(c));
    const got = run(new RsiStrategy('r', { period: 14, oversold: 30, overbought: 70 }));
    expect(got).toEqual(crosses(values, 30, 70));
    expect(got.filter((x) => x === 1).length).toBeGreaterThan(5);
    expect(got.filter((x) => x === -1).length).toBeGreaterThan(5);
  });

  it('MACD signals where the histogram changes sign', () => {
    const m = new Macd(12, 26, 9);
    const hist = Array.from(eth.close, (c) => (Number.isNaN(m.update(c)) ? Number.NaN : m.histogram));
    const want = hist.map((h, i) => {
      const p = i > 0 ? hist[i - 1]! : Number.NaN;
      return p <= 0 && h > 0 ? 1 : p >= 0 && h < 0 ? -1 : 0;
    });
    const got = run(new MacdStrategy('m'));
    expect(got).toEqual(want);
    expect(got.filter((x) => x !== 0).length).toBeGreaterThan(50);
  });

  it('Bollinger mean reversion buys at the lower band and sells at the upper; breakout the reverse', () => {
    const b = new Bollinger(20, { stdDev: 2, variance: 'exact' });
    const want = Array.from(eth.close, (c) => {
      if (Number.isNaN(b.update(c)) || b.upper === b.lower) return 0;
      return c <= b.lower ? 1 : c >= b.upper ? -1 : 0;
    });
    const mr = run(new BollingerStrategy('b'));
    expect(mr).toEqual(want);
    const bo = run(new BollingerStrategy('b', { mode: 'breakout' }));
    // Strict breakouts are a subset of the touches, with the opposite sign.
    for (let i = 0; i < bo.length; i++) if (bo[i] !== 0) expect(mr[i]).toBe(-bo[i]!);
    expect(bo.some((x) => x !== 0)).toBe(true);
  });

  it('volume signals a spike over the average of the candles before it, in the candle direction', () => {
    const sma = new Sma(20);
    const want = Array.from(eth.volume, (v, i) => {
      const avg = sma.value;
      sma.update(v);
      const o = eth.open[i]!;
      const body = (eth.close[i]! - o) / o;
      if (!(avg > 0) || !(v > 2 * avg) || body === 0 || Math.abs(body) < 0.005) return 0;
      return body > 0 ? 1 : -1;
    });
    const got = run(new VolumeStrategy('v'));
    expect(got).toEqual(want);
    expect(got.filter((x) => x !== 0).length).toBeGreaterThan(5);
  });

  it('stochastic buys a %K cross above %D under oversold and sells the opposite over overbought', () => {
    const st = new Stochastic(14, 3, 3);
    let pk = Number.NaN;
    let pd = Number.NaN;
    const want = Array.from(eth.close, (c, i) => {
      const k = st.update(eth.high[i]!, eth.low[i]!, c);
      const d = Number.isNaN(k) ? Number.NaN : st.d;
      const s = pk <= pd && k > d && d < 20 ? 1 : pk >= pd && k < d && d > 80 ? -1 : 0;
      pk = k;
      pd = d;
      return s;
    });
    const got = run(new StochasticStrategy('s'));
    expect(got).toEqual(want);
    expect(got.filter((x) => x !== 0).length).toBeGreaterThan(5);
  });

  it.each([
    ['rsi', { period: 14 }],
    ['macd', {}],
    ['bollinger', {}],
    ['volume', {}],
    ['stochastic', {}],
  ] as const)('%s: warm-up is explicit and nothing signals before it', (type, params) => {
    const s = createStrategy({ name: 'x', type, weight: '1', [type]: params } as never);
    s.onStart();
    let first = -1;
    for (let i = 0; i < eth.length; i++) {
      const sig = s.onBar(
        eth.time[i]!,
        eth.open[i]!,
        eth.high[i]!,
        eth.low[i]!,
        eth.close[i]!,
        eth.volume[i]!,
      );
      expect(s.ready).toBe(i + 1 >= s.warmup);
      if (sig !== 0 && first < 0) first = i;
    }
    expect(first + 1).toBeGreaterThanOrEqual(s.warmup);
  });

  it.each(['rsi', 'macd', 'bollinger', 'volume', 'stochastic'] as const)(
    '%s: a decision never changes when later candles are cut off (no lookahead)',
    (type) => {
      const full = run(createStrategy({ name: 'x', type, weight: '1', [type]: {} } as never));
      for (const cut of [100, 1234, 4000]) {
        expect(run(createStrategy({ name: 'x', type, weight: '1', [type]: {} } as never), cut)).toEqual(
          full.slice(0, cut),
        );
      }
    },
  );

  it('onStart resets: a second run gives the same signals', () => {
    const s = new RsiStrategy('r');
    expect(run(s)).toEqual(run(s));
  });

  it('the registry refuses a type it does not know with a coded error naming the field', () => {
    expect(() => createStrategy({ name: 'o', type: 'lstm', weight: '1' } as never, 3)).toThrow(
      /UNSUPPORTED_STRATEGY_TYPE: strategies\[3\]\.type/,
    );
  });
});
