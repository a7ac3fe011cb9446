import { describe, expect, it } from 'vitest';
import { defaultParams, resolveParams } from './params.ts';
import { StrategyError } from './types.ts';

describe('strategy parameters', () => {
  it('defaults are the documented ones (from the CRD schema)', () => {
    expect(defaultParams('rsi')).toEqual({ period: 14, overbought: 70, oversold: 30 });
    expect(defaultParams('macd')).toEqual({ fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 });
    expect(defaultParams('bollinger')).toEqual({ period: 20, stdDev: 2, mode: 'meanReversion' });
    expect(defaultParams('volume')).toEqual({ period: 20, spikeMultiplier: 2, minPriceChangePercent: 0.5 });
    expect(defaultParams('stochastic')).toEqual({ kPeriod: 14, dPeriod: 3, overbought: 80, oversold: 20 });
  });

  it('fills what is missing and keeps what is given', () => {
    expect(resolveParams('rsi', { period: 7 })).toEqual({ period: 7, overbought: 70, oversold: 30 });
  });

  it.each([
    ['rsi', { period: 1 }, 'rsi.period', 'at least 2'],
    ['rsi', { period: 501 }, 'rsi.period', 'at most 500'],
    ['rsi', { period: 14.5 }, 'rsi.period', 'whole number'],
    ['rsi', { oversold: 45, overbought: 50 }, 'rsi.oversold', undefined],
    ['rsi', { oversold: 50, overbought: 50 }, 'rsi.oversold', 'lower than overbought'],
    ['macd', { fastPeriod: 30 }, 'macd.fastPeriod', 'lower than slowPeriod'],
    ['bollinger', { stdDev: 0 }, 'bollinger.stdDev', 'greater than 0'],
    ['bollinger', { mode: 'trend' }, 'bollinger.mode', 'meanReversion, breakout'],
    ['volume', { spikeMultiplier: 1 }, 'volume.spikeMultiplier', 'greater than 1'],
    ['stochastic', { dPeriod: 0 }, 'stochastic.dPeriod', 'at least 1'],
    ['stochastic', { kperiod: 5 }, 'stochastic.kperiod', 'unknown parameter'],
  ] as const)('%s %j is rejected at %s', (type, given, field, why) => {
    if (why === undefined) {
      expect(() => resolveParams(type, given as never)).not.toThrow();
      return;
    }
    let err: unknown;
    try {
      resolveParams(type, given as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StrategyError);
    expect((err as StrategyError).field).toBe(field);
    expect((err as StrategyError).code).toBe('INVALID_STRATEGY_PARAMETER');
    expect((err as Error).message).toContain(why);
  });

  it('names the manifest field when given a location', () => {
    expect(() => resolveParams('rsi', { period: 0 }, 'strategies[2].rsi')).toThrow(
      /strategies\[2\]\.rsi\.period/,
    );
  });
});
