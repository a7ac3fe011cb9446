// Paper trading: the same kernel as the backtest, driven by a candle feed (a
// replay of files now, an exchange's closed candles later) one event at a time.
import type { CandleFeed } from '../market-data/index.ts';
import type { Kernel } from './kernel.ts';

/** Feeds every closed candle of `feed` to `kernel` until the feed ends or `signal` aborts. */
export async function runPaper(kernel: Kernel, feed: CandleFeed, signal?: AbortSignal): Promise<void> {
  const index = new Map(kernel.symbols.map((s, k) => [s, k]));
  kernel.onStart();
  try {
    for await (const { symbol, candle: c } of feed) {
      if (signal?.aborted) break;
      const k = index.get(symbol);
      if (k === undefined) throw new RangeError(`the feed sent ${symbol}, which this bot does not trade`);
      kernel.step(k, c.t, c.open, c.high, c.low, c.close, c.volume);
    }
  } finally {
    feed.close();
    kernel.onStop();
  }
}
