// The gap policy of the file loaders (gaps.ts), applied to a live or replayed
// feed: a candle that opens more than one timeframe after the previous one of
// its market is a hole, handled as `reject` (the feed fails with a GAP error),
// `fill` (flat candles at the previous close, volume 0, are emitted first) or
// `keep` (passed on; `onGap` still hears of it).
import { CandleDataError, CandleDataErrorCode } from './errors.ts';
import type { CandleEvent, CandleFeed } from './feed.ts';
import type { Gap, GapPolicy } from './gaps.ts';

export interface FeedGapOptions {
  readonly policy: GapPolicy;
  /** Called for every hole, whatever the policy does with it. `line` is the candle's index in its market. */
  readonly onGap?: (symbol: string, gap: Gap) => void;
  /** The most flat candles `fill` invents for one hole (default 10,000); a longer hole is a GAP error. */
  readonly maxFill?: number;
}

export function withGapPolicy(feed: CandleFeed, options: FeedGapOptions): CandleFeed {
  const maxFill = options.maxFill ?? 10_000;
  return {
    close: () => feed.close(),
    async *[Symbol.asyncIterator](): AsyncIterator<CandleEvent> {
      const last = new Map<string, { t: number; close: number; count: number }>();
      for await (const e of feed) {
        const prev = last.get(e.symbol);
        const t = e.candle.t;
        let count = prev ? prev.count : 0;
        if (prev && t - prev.t > e.timeframeMs) {
          const step = e.timeframeMs;
          const missing = Math.round((t - prev.t) / step) - 1;
          const gap: Gap = { line: count, from: prev.t + step, to: t, missing };
          options.onGap?.(e.symbol, gap);
          if (options.policy === 'reject' || (options.policy === 'fill' && missing > maxFill)) {
            throw new CandleDataError(
              CandleDataErrorCode.GAP,
              e.symbol,
              count,
              `${missing} candle(s) missing between ${new Date(prev.t).toISOString()} and ${new Date(t).toISOString()} (gap policy "${options.policy}")`,
              `${e.symbol} feed`,
            );
          }
          if (options.policy === 'fill') {
            const c = prev.close;
            for (let ts = prev.t + step; ts < t; ts += step) {
              yield {
                symbol: e.symbol,
                timeframeMs: step,
                candle: { t: ts, open: c, high: c, low: c, close: c, volume: 0 },
              };
              count++;
            }
          }
        }
        last.set(e.symbol, { t, close: e.candle.close, count: count + 1 });
        yield e;
      }
    },
  };
}
