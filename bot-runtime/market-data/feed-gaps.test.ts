import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { candleAt } from './candle.ts';
import { loadCandlesCsv } from './csv-loader.ts';
import { CandleDataError } from './errors.ts';
import type { CandleEvent } from './feed.ts';
import { withGapPolicy } from './feed-gaps.ts';
import type { Gap } from './gaps.ts';
import { ReplayFeed } from './replay-feed.ts';

const file = join(import.meta.dirname, '../../../shared/data/candles/ADA-BTC_5m.csv');
const kept = loadCandlesCsv(file, { gaps: 'keep' }).series;
const filled = loadCandlesCsv(file, { gaps: 'fill' }).series;
const replay = () => new ReplayFeed(kept, { symbol: 'ADABTC', speed: Number.POSITIVE_INFINITY });

async function collect(feed: AsyncIterable<CandleEvent>): Promise<CandleEvent[]> {
  const out: CandleEvent[] = [];
  for await (const e of feed) out.push(e);
  return out;
}

describe('withGapPolicy on a feed', () => {
  it('fill: the live stream equals the file loaded with the fill policy', async () => {
    const events = await collect(withGapPolicy(replay(), { policy: 'fill' }));
    expect(events.map((e) => e.candle)).toEqual(
      Array.from({ length: filled.length }, (_, i) => candleAt(filled, i)),
    );
  });

  it('keep: passes the candles on and reports each hole', async () => {
    const gaps: [string, Gap][] = [];
    const events = await collect(
      withGapPolicy(replay(), { policy: 'keep', onGap: (s, g) => gaps.push([s, g]) }),
    );
    expect(events).toHaveLength(kept.length);
    expect(gaps).toHaveLength(5);
    expect(gaps.reduce((n, [, g]) => n + g.missing, 0)).toBe(40);
    expect(gaps[0]![0]).toBe('ADABTC');
  });

  it('reject: fails at the first hole with a GAP error naming the market', async () => {
    const err = await collect(withGapPolicy(replay(), { policy: 'reject' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CandleDataError);
    expect((err as CandleDataError).code).toBe('GAP');
    expect((err as Error).message).toMatch(
      /^ADABTC feed: 1 candle\(s\) missing between 2018-01-15T10:05:00.000Z/,
    );
  });

  it('fill refuses to invent more than maxFill candles for one hole', async () => {
    const err = await collect(withGapPolicy(replay(), { policy: 'fill', maxFill: 5 })).catch(
      (e: unknown) => e,
    );
    expect((err as CandleDataError).code).toBe('GAP');
  });
});
