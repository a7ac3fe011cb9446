// Instruments from Binance's `GET /api/v3/exchangeInfo?symbol=...`: the
// venue's own tick size (PRICE_FILTER.tickSize), lot size (LOT_SIZE.stepSize,
// minQty) and minimum notional (NOTIONAL.minNotional, or the older
// MIN_NOTIONAL filter), so orders are rounded to what the venue accepts.
import { Instrument } from '../../domain/instrument.ts';
import { BinanceProtocolError } from './klines.ts';
import { BinanceApiError } from './rest.ts';

interface Filter {
  readonly filterType: string;
  readonly [key: string]: unknown;
}

function decimalString(v: unknown, what: string, symbol: string): string {
  if (typeof v !== 'string' || !/^[0-9]+(\.[0-9]+)?$/.test(v)) {
    throw new BinanceProtocolError(`${symbol}: ${what} ${JSON.stringify(v)} is not a decimal string`);
  }
  return v;
}

/** One element of exchangeInfo's `symbols` as a domain Instrument. */
export function instrumentFromSymbolInfo(info: unknown): Instrument {
  if (info === null || typeof info !== 'object')
    throw new BinanceProtocolError('symbol info is not an object');
  const s = info as { symbol?: unknown; baseAsset?: unknown; quoteAsset?: unknown; filters?: unknown };
  if (typeof s.symbol !== 'string' || typeof s.baseAsset !== 'string' || typeof s.quoteAsset !== 'string') {
    throw new BinanceProtocolError('symbol info without symbol, baseAsset or quoteAsset');
  }
  const symbol = s.symbol;
  const filters = Array.isArray(s.filters) ? (s.filters as Filter[]) : [];
  const find = (type: string) => filters.find((f) => f && f.filterType === type);
  const price = find('PRICE_FILTER');
  const lot = find('LOT_SIZE');
  if (!price || !lot)
    throw new BinanceProtocolError(`${symbol}: exchangeInfo lacks PRICE_FILTER or LOT_SIZE`);
  const notional = find('NOTIONAL') ?? find('MIN_NOTIONAL');
  return new Instrument({
    symbol,
    base: s.baseAsset,
    quote: s.quoteAsset,
    tickSize: decimalString(price.tickSize, 'tickSize', symbol),
    lotSize: decimalString(lot.stepSize, 'stepSize', symbol),
    minQuantity: lot.minQty !== undefined ? decimalString(lot.minQty, 'minQty', symbol) : undefined,
    minNotional: notional ? decimalString(notional.minNotional, 'minNotional', symbol) : undefined,
  });
}

/** Fetches and converts the instrument for one symbol. */
export async function fetchInstrument(
  baseUrl: string,
  symbol: string,
  options: { fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<Instrument> {
  const url = new URL('/api/v3/exchangeInfo', baseUrl);
  url.searchParams.set('symbol', symbol.toUpperCase());
  const res = await (options.fetch ?? fetch)(url, { signal: options.signal });
  const body = (await res.json().catch(() => undefined)) as
    | { code?: number; msg?: string; symbols?: unknown[] }
    | undefined;
  if (!res.ok) throw new BinanceApiError(res.status, body?.code, body?.msg ?? res.statusText, url.pathname);
  const info = body?.symbols?.find((x) => (x as { symbol?: unknown }).symbol === symbol.toUpperCase());
  if (!info) throw new BinanceProtocolError(`exchangeInfo has no symbol ${symbol.toUpperCase()}`);
  return instrumentFromSymbolInfo(info);
}
