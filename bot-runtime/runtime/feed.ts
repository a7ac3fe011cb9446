// The feed role: publishes every closed candle of a CandleFeed on the bus
// (core subject, at most once), in the feed's order.
import type { Bus } from '../bus/bus.ts';
import type { CandleFeed } from '../market-data/index.ts';

export async function runFeed(
  bus: Bus,
  feed: CandleFeed,
  timeframe: string,
  onCandle?: (symbol: string, t: number) => void,
): Promise<void> {
  for await (const e of feed) {
    bus.publishMarketData({ symbol: e.symbol, timeframe, candle: e.candle });
    onCandle?.(e.symbol, e.candle.t);
  }
}
