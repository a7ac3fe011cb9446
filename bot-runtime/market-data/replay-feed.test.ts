import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { macdBatch } from '../indicators/batch.ts';
import { Macd } from '../indicators/macd.ts';
import { candleAt, seriesFromCandles } from './candle.ts';
import { loadCandlesCsv } from './csv-loader.ts';
import type { CandleEvent, Sleep } from './feed.ts';
import { MultiReplayFeed, ReplayFeed } from './replay-feed.ts';

const M5 = 300_000;
const series = seriesFromCandles(
  [0, M5, 2 * M5, 5 * M5].map((t, i) => ({
    t,
    open: 1 + i,
    high: 2 + i,
    low: 0.5 + i,
    close: 1.5 + i,
    volume: i,
  })),
  M5,
);

function recordingSleep(): { sleep: Sleep; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

async function collect(feed: AsyncIterable<CandleEvent>): Promise<CandleEvent[]> {
  const out: CandleEvent[] = [];
  for await (const e of feed) out.push(e);
  return out;
}

describe('ReplayFeed', () => {
  it('emits every candle in order and waits time-difference / speed between them, gaps included', async () => {
    const { sleep, waits } = recordingSleep();
    const events = await collect(new ReplayFeed(series, { symbol: 'ETHBTC', speed: 60, sleep }));
    expect(events.map((e) => e.candle)).toEqual([0, 1, 2, 3].map((i) => candleAt(series, i)));
    expect(events.every((e) => e.symbol === 'ETHBTC' && e.timeframeMs === M5)).toBe(true);
    expect(waits).toEqual([5_000, 5_000, 15_000]);
  });

  it('replays a window of open times', async () => {
    const { sleep } = recordingSleep();
    const events = await collect(
      new ReplayFeed(series, { symbol: 'X', speed: 1, sleep, from: M5, to: 2 * M5 }),
    );
    expect(events.map((e) => e.candle.t)).toEqual([M5, 2 * M5]);
  });

  it('at infinite speed only yields to the event loop every yieldEvery candles', async () => {
    const real = loadCandlesCsv(
      join(import.meta.dirname, '../../../shared/data/candles/ETH-BTC_5m.csv'),
    ).series;
    const { sleep, waits } = recordingSleep();
    const events = await collect(
      new ReplayFeed(real, { symbol: 'ETHBTC', speed: Number.POSITIVE_INFINITY, sleep, yieldEvery: 1000 }),
    );
    expect(events).toHaveLength(5760);
    expect(waits).toEqual([0, 0, 0, 0, 0]);
  });

  it('drives an incremental MACD to the same values as the batch MACD on the same file', async () => {
    const real = loadCandlesCsv(
      join(import.meta.dirname, '../../../shared/data/candles/XRP-USDT_5m.csv'),
    ).series;
    const macd = new Macd(12, 26, 9);
    const signal: number[] = [];
    for await (const e of new ReplayFeed(real, { symbol: 'XRPUSDT', speed: Number.POSITIVE_INFINITY })) {
      signal.push(Number.isNaN(macd.update(e.candle.close)) ? Number.NaN : macd.signal);
    }
    expect(signal).toEqual(Array.from(macdBatch(real.close).signal));
  });

  it('stops when closed, even mid-wait', async () => {
    let feed: ReplayFeed | undefined;
    const sleep: Sleep = async () => feed!.close();
    feed = new ReplayFeed(series, { symbol: 'X', speed: 1, sleep });
    const events = await collect(feed);
    expect(events).toHaveLength(1);
    expect(feed.closed).toBe(true);
  });

  it('with the real timer, an aborted wait ends at once', async () => {
    const feed = new ReplayFeed(series, { symbol: 'X', speed: 3e-4 }); // a 1e9 ms (11-day) wait
    const it = feed[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    const pending = it.next();
    feed.close();
    expect((await pending).done).toBe(true);
  });

  it('rejects a speed that is not positive', () => {
    expect(() => new ReplayFeed(series, { symbol: 'X', speed: 0 })).toThrow(/greater than 0/);
    expect(() => new ReplayFeed(series, { symbol: 'X', speed: Number.NaN })).toThrow(/greater than 0/);
  });
});

describe('MultiReplayFeed', () => {
  const dir = join(import.meta.dirname, '../../../shared/data/candles');
  const eth = loadCandlesCsv(join(dir, 'ETH-BTC_5m.csv')).series;
  const ada = loadCandlesCsv(join(dir, 'ADA-BTC_5m.csv'), { gaps: 'keep' }).series;

  it('merges markets in open-time order, every candle once, waiting only when time moves', async () => {
    const { sleep, waits } = recordingSleep();
    const feed = new MultiReplayFeed(
      [
        { symbol: 'ETHBTC', series: eth },
        { symbol: 'ADABTC', series: ada },
      ],
      { speed: 300, sleep, to: eth.time[99] },
    );
    const events = await collect(feed);
    const times = events.map((e) => e.candle.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(events.filter((e) => e.symbol === 'ETHBTC').map((e) => e.candle)).toEqual(
      Array.from({ length: 100 }, (_, i) => candleAt(eth, i)),
    );
    expect(events.filter((e) => e.symbol === 'ADABTC')).toHaveLength(100);
    // Same open time: ETH first (the order given), then ADA, with no wait between them.
    expect(events.slice(0, 2).map((e) => e.symbol)).toEqual(['ETHBTC', 'ADABTC']);
    expect(waits).toEqual(new Array(99).fill(1000));
  });

  it('rejects a market given twice', () => {
    expect(
      () =>
        new MultiReplayFeed(
          [
            { symbol: 'X', series },
            { symbol: 'X', series },
          ],
          { speed: 1 },
        ),
    ).toThrow(/given twice/);
  });
});
