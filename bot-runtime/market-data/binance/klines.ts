// Binance spot kline wire formats (developers.binance.com, Spot API):
// - REST `GET /api/v3/klines` returns arrays
//   [openTime, "open", "high", "low", "close", "volume", closeTime, "quoteVolume", trades,
//    "takerBuyBase", "takerBuyQuote", "ignore"]
// - the `<symbol>@kline_<interval>` stream pushes
//   {"e":"kline","E":eventTime,"s":"BNBBTC","k":{"t":openTime,"T":closeTime,"s":"BNBBTC","i":"1m",
//    "o":"0.0010","c":"0.0020","h":"0.0025","l":"0.0015","v":"1000","x":false,...}}
//   every 2 s (1 s for 1s klines); "x" is true on the update that closes the kline.
import type { Candle } from '../candle.ts';
import { parseTimeframe } from '../candle.ts';
import { parseDecimalField } from '../csv-loader.ts';

/** Intervals with a fixed length (1M, months, has none and is not supported here). */
export const BINANCE_INTERVALS = [
  '1s',
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
] as const;
export type BinanceInterval = (typeof BINANCE_INTERVALS)[number];

export function intervalMs(interval: string): number {
  if (!(BINANCE_INTERVALS as readonly string[]).includes(interval)) {
    throw new RangeError(
      `unsupported Binance kline interval "${interval}"; use one of ${BINANCE_INTERVALS.join(', ')}`,
    );
  }
  return parseTimeframe(interval);
}

/** A payload that does not match the documented format. */
export class BinanceProtocolError extends Error {
  override readonly name = 'BinanceProtocolError';
}

function num(v: unknown, what: string): number {
  const n = typeof v === 'string' ? parseDecimalField(v) : typeof v === 'number' ? v : Number.NaN;
  if (!Number.isFinite(n))
    throw new BinanceProtocolError(`kline ${what} ${JSON.stringify(v)} is not a number`);
  return n;
}

export interface Kline extends Candle {
  readonly closeTime: number;
}

/** One row of `GET /api/v3/klines`. */
export function klineFromRest(row: unknown): Kline {
  if (!Array.isArray(row) || row.length < 7) {
    throw new BinanceProtocolError(`expected a kline array of at least 7 values, got ${JSON.stringify(row)}`);
  }
  return {
    t: num(row[0], 'open time'),
    open: num(row[1], 'open'),
    high: num(row[2], 'high'),
    low: num(row[3], 'low'),
    close: num(row[4], 'close'),
    volume: num(row[5], 'volume'),
    closeTime: num(row[6], 'close time'),
  };
}

export interface StreamKline {
  readonly symbol: string;
  readonly interval: string;
  readonly closed: boolean;
  readonly kline: Kline;
}

/** A stream message, or undefined when it is not a kline event (subscription replies and the like). */
export function klineFromStream(data: unknown): StreamKline | undefined {
  if (data === null || typeof data !== 'object')
    throw new BinanceProtocolError('stream message is not a JSON object');
  const msg = data as Record<string, unknown>;
  if (msg.e !== 'kline') return undefined;
  const k = msg.k as Record<string, unknown> | undefined;
  if (!k || typeof k !== 'object') throw new BinanceProtocolError('kline event without "k"');
  if (typeof k.s !== 'string' || typeof k.i !== 'string' || typeof k.x !== 'boolean') {
    throw new BinanceProtocolError('kline without symbol, interval or closed flag');
  }
  return {
    symbol: k.s,
    interval: k.i,
    closed: k.x,
    kline: {
      t: num(k.t, 'open time'),
      open: num(k.o, 'open'),
      high: num(k.h, 'high'),
      low: num(k.l, 'low'),
      close: num(k.c, 'close'),
      volume: num(k.v, 'volume'),
      closeTime: num(k.T, 'close time'),
    },
  };
}
