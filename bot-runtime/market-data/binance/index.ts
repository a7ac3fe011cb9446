export { AsyncQueue } from './async-queue.ts';
export { fetchInstrument, instrumentFromSymbolInfo } from './exchange-info.ts';
export {
  BINANCE_REST_URL,
  BINANCE_WS_URL,
  BinanceKlineFeed,
  type BinanceKlineFeedOptions,
  type WebSocketFactory,
  type WebSocketLike,
} from './kline-feed.ts';
export {
  BINANCE_INTERVALS,
  BinanceProtocolError,
  intervalMs,
  type Kline,
  klineFromRest,
  klineFromStream,
} from './klines.ts';
export { BinanceApiError, fetchKlines, getKlinesPage, type KlineRequest } from './rest.ts';
