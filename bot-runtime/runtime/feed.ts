// The feed role: publishes every closed candle of a CandleFeed on the bus
// (core subject, at most once), in the feed's order.
import type { Bus } from '../bus/bus.ts';
import { BinanceKlineFeed } from '../market-data/binance/index.ts';
import type { CandleEvent, CandleFeed } from '../market-data/index.ts';
import { publishCandle } from '../telemetry/pipeline.ts';

export async function runFeed(
  bus: Bus,
  feed: CandleFeed,
  timeframe: string,
  onCandle?: (symbol: string, t: number) => void,
): Promise<void> {
  for await (const e of feed) {
    // Each candle starts a trace; its context travels in the message (docs/observability.md).
    publishCandle(bus, { symbol: e.symbol, timeframe, candle: e.candle });
    onCandle?.(e.symbol, e.candle.t);
  }
}

export interface ExchangeFeedOptions {
  /** Backfill closed candles from this open time before going live. */
  readonly startTime?: number;
  readonly restBaseUrl?: string;
  readonly wsBaseUrl?: string;
  readonly onWarning?: (message: string) => void;
}

/** Closed klines from Binance's public market data, as the bot's `BASE/QUOTE` symbols. */
export function binanceFeed(
  symbols: readonly string[],
  timeframe: string,
  options: ExchangeFeedOptions = {},
): CandleFeed {
  // The exchange names markets without the slash (ETHBTC); the bot, as BASE/QUOTE.
  const bySymbol = new Map(symbols.map((s) => [s.replace('/', ''), s]));
  const inner = new BinanceKlineFeed({
    symbols: [...bySymbol.keys()],
    interval: timeframe,
    ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
    ...(options.restBaseUrl === undefined ? {} : { restBaseUrl: options.restBaseUrl }),
    ...(options.wsBaseUrl === undefined ? {} : { wsBaseUrl: options.wsBaseUrl }),
    ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
  });
  return {
    close: () => inner.close(),
    async *[Symbol.asyncIterator](): AsyncIterator<CandleEvent> {
      for await (const e of inner) yield { ...e, symbol: bySymbol.get(e.symbol.toUpperCase()) ?? e.symbol };
    },
  };
}
