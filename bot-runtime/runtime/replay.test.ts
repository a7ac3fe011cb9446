import { describe, expect, it } from 'vitest';
import type { CandleSeries } from '../market-data/index.ts';
import { LoopingReplay, parseDataArg } from './replay.ts';

const TF = 300_000;

function series(n: number, t0 = 1_000 * TF): CandleSeries {
  const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  return {
    source: 'test',
    timeframeMs: TF,
    length: n,
    time: col((i) => t0 + i * TF),
    open: col((i) => 1 + i),
    high: col((i) => 2 + i),
    low: col((i) => 0.5 + i),
    close: col((i) => 1.5 + i),
    volume: col(() => 10),
  } as CandleSeries;
}

async function collect(replay: LoopingReplay, max: number): Promise<number[]> {
  const out: number[] = [];
  for await (const e of replay) {
    out.push(e.candle.t);
    if (out.length >= max) replay.close();
  }
  return out;
}

describe('LoopingReplay', () => {
  it('loops, each pass starting one timeframe after the previous one ended', async () => {
    const s = series(3);
    const t = await collect(
      new LoopingReplay([{ symbol: 'ETH/BTC', path: 'x', series: s }], {
        speed: Number.POSITIVE_INFINITY,
        loop: true,
      }),
      7,
    );
    const t0 = s.time[0]!;
    expect(t.map((x) => (x - t0) / TF)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('replays what was processed before a restart without waiting, then at its speed', async () => {
    const s = series(6);
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    // Candles 0..2 had closed before the restart (the last one closed at t0 + 3 TF).
    const fastUntil = s.time[0]! + 3 * TF;
    const t = await collect(
      new LoopingReplay([{ symbol: 'ETH/BTC', path: 'x', series: s }], {
        speed: 100,
        loop: false,
        fastUntil,
        sleep,
      }),
      100,
    );
    expect(t).toEqual([...s.time]);
    // Only the gaps between candles 3, 4 and 5 are waited (a timeframe / speed each).
    expect(waits).toEqual([TF / 100, TF / 100]);
  });

  it('ends after one pass without loop', async () => {
    const s = series(4);
    const t = await collect(
      new LoopingReplay([{ symbol: 'ETH/BTC', path: 'x', series: s }], { speed: 0, loop: false }),
      100,
    );
    expect(t).toHaveLength(4);
  });
});

describe('parseDataArg', () => {
  it('takes the market from the file name or from SYMBOL=path', () => {
    expect(parseDataArg('data/ETH-BTC_5m.csv')).toEqual({ symbol: 'ETH/BTC', path: 'data/ETH-BTC_5m.csv' });
    expect(parseDataArg('LTC/BTC=x.json')).toEqual({ symbol: 'LTC/BTC', path: 'x.json' });
    expect(() => parseDataArg('candles.csv')).toThrow(/name the market/);
  });
});
