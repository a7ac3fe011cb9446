import { afterEach, describe, expect, it } from 'vitest';
import { seriesFromCandles } from '../candle.ts';
import { fetchInstrument, instrumentFromSymbolInfo } from './exchange-info.ts';
import { BinanceProtocolError } from './klines.ts';
import { BinanceApiError } from './rest.ts';
import { BinanceStandIn } from './stand-in-server.ts';

// The shape of a symbol in GET /api/v3/exchangeInfo (values as Binance writes them, zero-padded).
const ETHBTC = {
  symbol: 'ETHBTC',
  status: 'TRADING',
  baseAsset: 'ETH',
  baseAssetPrecision: 8,
  quoteAsset: 'BTC',
  quoteAssetPrecision: 8,
  filters: [
    {
      filterType: 'PRICE_FILTER',
      minPrice: '0.00001000',
      maxPrice: '922327.00000000',
      tickSize: '0.00001000',
    },
    { filterType: 'LOT_SIZE', minQty: '0.00010000', maxQty: '100000.00000000', stepSize: '0.00010000' },
    { filterType: 'ICEBERG_PARTS', limit: 10 },
    {
      filterType: 'NOTIONAL',
      minNotional: '0.00010000',
      applyMinToMarket: true,
      maxNotional: '9000000.00000000',
      applyMaxToMarket: false,
      avgPriceMins: 5,
    },
  ],
};

describe('instrumentFromSymbolInfo', () => {
  it('takes tick size, lot size, minimum quantity and notional from the filters', () => {
    const inst = instrumentFromSymbolInfo(ETHBTC);
    expect(inst.symbol).toBe('ETHBTC');
    expect(inst.base).toBe('ETH');
    expect(inst.quote).toBe('BTC');
    expect(inst.tickSize.toFixed()).toBe('0.00001');
    expect(inst.lotSize.toFixed()).toBe('0.0001');
    expect(inst.minQuantity.toFixed()).toBe('0.0001');
    expect(inst.minNotional.toString()).toBe('0.0001 BTC');
    expect(inst.pricePrecision).toBe(5);
    const size = inst.orderSize('BUY', '0.0994766', '1.23456');
    expect(size.price.toFixed()).toBe('0.09947');
    expect(size.quantity.toFixed()).toBe('1.2345');
  });

  it('reads the older MIN_NOTIONAL filter too', () => {
    const legacy = {
      ...ETHBTC,
      filters: [
        ETHBTC.filters[0],
        ETHBTC.filters[1],
        { filterType: 'MIN_NOTIONAL', minNotional: '0.00100000', applyToMarket: true, avgPriceMins: 5 },
      ],
    };
    expect(instrumentFromSymbolInfo(legacy).minNotional.toString()).toBe('0.001 BTC');
  });

  it('rejects symbol info it cannot trust', () => {
    expect(() => instrumentFromSymbolInfo({ ...ETHBTC, filters: [ETHBTC.filters[0]] })).toThrow(
      BinanceProtocolError,
    );
    expect(() =>
      instrumentFromSymbolInfo({
        ...ETHBTC,
        filters: [{ filterType: 'PRICE_FILTER', tickSize: 1e-5 }, ETHBTC.filters[1]],
      }),
    ).toThrow(/tickSize 0.00001 is not a decimal string/);
    expect(() => instrumentFromSymbolInfo({ symbol: 'X' })).toThrow(BinanceProtocolError);
  });
});

describe('fetchInstrument against the stand-in', () => {
  let server: BinanceStandIn | undefined;
  afterEach(async () => {
    await server?.stop();
  });

  it('asks GET /api/v3/exchangeInfo?symbol= and converts the answer; an unknown symbol is an API error', async () => {
    server = new BinanceStandIn({ ETHBTC: seriesFromCandles([], 300_000) }, '5m', 0);
    server.symbolInfo.set('ETHBTC', ETHBTC);
    const { restUrl } = await server.start();
    const inst = await fetchInstrument(restUrl, 'ethbtc');
    expect(inst.tickSize.toFixed()).toBe('0.00001');
    expect(server.requests.at(-1)?.searchParams.get('symbol')).toBe('ETHBTC');
    const err = await fetchInstrument(restUrl, 'XYZBTC').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BinanceApiError);
    expect((err as BinanceApiError).code).toBe(-1121);
  });
});
