// The Binance kline feed against a local stand-in that speaks the same
// protocol (REST klines + kline stream) over the real ETH-BTC 5m candles.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rsiBatch } from '../../indicators/batch.ts';
import { Rsi } from '../../indicators/rsi.ts';
import { candleAt } from '../candle.ts';
import { loadCandlesCsv } from '../csv-loader.ts';
import type { CandleEvent } from '../feed.ts';
import { BinanceKlineFeed } from './kline-feed.ts';
import { BinanceProtocolError, klineFromRest, klineFromStream } from './klines.ts';
import { BinanceApiError } from './rest.ts';
import { BinanceStandIn } from './stand-in-server.ts';

const series = loadCandlesCsv(
  join(import.meta.dirname, '../../../../shared/data/candles/ETH-BTC_5m.csv'),
).series;
const T = (i: number) => series.time[i]!;
/** A server clock at which candles 0..i-1 are closed and candle i is forming. */
const closedBefore = (i: number) => T(i) + 1;

let server: BinanceStandIn | undefined;
let feed: BinanceKlineFeed | undefined;
afterEach(async () => {
  feed?.close();
  await server?.stop();
  server = undefined;
  feed = undefined;
});

async function setup(now: number, startTime?: number, warnings: string[] = []) {
  server = new BinanceStandIn({ ETHBTC: series }, '5m', now);
  const { restUrl, wsUrl } = await server.start();
  const s = server;
  feed = new BinanceKlineFeed({
    symbol: 'ethbtc',
    interval: '5m',
    startTime,
    restBaseUrl: restUrl,
    wsBaseUrl: wsUrl,
    now: () => s.now,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    onWarning: (m) => warnings.push(m),
  });
  return { server: s, feed, it: feed[Symbol.asyncIterator]() };
}

async function take(it: AsyncIterator<CandleEvent>, n: number): Promise<CandleEvent[]> {
  const out: CandleEvent[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) throw new Error(`feed ended after ${out.length} of ${n} candles`);
    out.push(r.value);
  }
  return out;
}

const expectCandles = (events: CandleEvent[], from: number) =>
  expect(events.map((e) => e.candle)).toEqual(events.map((_, j) => candleAt(series, from + j)));

describe('BinanceKlineFeed against the stand-in', () => {
  it('backfills from startTime over several REST pages, excluding the forming candle', async () => {
    const { server, it } = await setup(closedBefore(2500), T(0));
    const events = await take(it, 2500);
    expectCandles(events, 0);
    expect(events.every((e) => e.symbol === 'ETHBTC' && e.timeframeMs === 300_000)).toBe(true);
    const klineCalls = server.requests.filter((u) => u.pathname === '/api/v3/klines');
    expect(klineCalls.length).toBeGreaterThanOrEqual(3);
    expect(klineCalls[0]!.searchParams.get('symbol')).toBe('ETHBTC');
    expect(klineCalls[0]!.searchParams.get('interval')).toBe('5m');
    expect(klineCalls[0]!.searchParams.get('limit')).toBe('1000');
  });

  it('goes live on the documented stream, emits closed klines only, fills stream gaps and reconnect gaps from REST', async () => {
    const warnings: string[] = [];
    const N = 100;
    const { server, feed, it } = await setup(closedBefore(N), T(0), warnings);
    expectCandles(await take(it, N), 0);

    // Live: a forming update is not a candle; the closing one is.
    const next = it.next();
    await server.waitForConnections(1);
    server.push('ETHBTC', T(N), false);
    server.now = T(N + 1);
    server.push('ETHBTC', T(N), true);
    expectCandles([(await next).value as CandleEvent], N);

    // The stream skips two candles: the feed fetches them before the third.
    server.now = closedBefore(N + 4);
    server.push('ETHBTC', T(N + 3), true);
    expectCandles(await take(it, 3), N + 1);

    // The connection drops while four candles close; on reconnect the feed catches up by REST.
    server.now = closedBefore(N + 8);
    const pending = take(it, 4);
    server.dropConnections();
    await server.waitForConnections(2);
    expectCandles(await pending, N + 4);
    const after = it.next();
    server.now = closedBefore(N + 9);
    server.push('ETHBTC', T(N + 8), true);
    expectCandles([(await after).value as CandleEvent], N + 8);

    expect(feed.connections).toBe(2);
    expect(warnings.some((w) => w.includes('reconnecting'))).toBe(true);
  });

  it('feeds a live RSI that equals the backtest RSI over the same candles', async () => {
    const { it } = await setup(closedBefore(600), T(0));
    const rsi = new Rsi(14);
    const live = (await take(it, 600)).map((e) => rsi.update(e.candle.close));
    expect(live).toEqual(Array.from(rsiBatch(series.close.subarray(0, 600), 14)));
  });

  it('warns about a hole the exchange has no klines for, and carries on', async () => {
    const ada = loadCandlesCsv(join(import.meta.dirname, '../../../../shared/data/candles/ADA-BTC_5m.csv'), {
      gaps: 'keep',
    }).series;
    // ADA-BTC misses the 10:10 candle of 2018-01-15: index 1503 opens 10 minutes after index 1502.
    expect(ada.time[1503]! - ada.time[1502]!).toBe(600_000);
    server = new BinanceStandIn({ ADABTC: ada }, '5m', ada.time[1500]! + 1);
    const { restUrl, wsUrl } = await server.start();
    const warnings: string[] = [];
    const s = server;
    const f = new BinanceKlineFeed({
      symbol: 'ADABTC',
      interval: '5m',
      startTime: ada.time[1490],
      restBaseUrl: restUrl,
      wsBaseUrl: wsUrl,
      now: () => s.now,
      onWarning: (m) => warnings.push(m),
    });
    feed = f;
    const it = f[Symbol.asyncIterator]();
    expect((await take(it, 10)).map((e) => e.candle.t)).toEqual(Array.from(ada.time.subarray(1490, 1500)));
    const pending = take(it, 4);
    // Let the feed finish its (empty) catch-up on connect before the clock moves.
    while (f.connections < 1) await new Promise((r) => setTimeout(r, 5));
    server.now = ada.time[1503]! + 300_000 + 1;
    server.push('ADABTC', ada.time[1503]!, true);
    expect((await pending).map((e) => e.candle.t)).toEqual(Array.from(ada.time.subarray(1500, 1504)));
    expect(warnings.some((w) => w.includes('no klines from 2018-01-15T10:10:00.000Z'))).toBe(true);
  });

  it('carries several markets on one combined-stream connection, gaps filled per market', async () => {
    const ltc = loadCandlesCsv(
      join(import.meta.dirname, '../../../../shared/data/candles/LTC-BTC_5m.csv'),
    ).series;
    expect(ltc.time[0]).toBe(T(0));
    server = new BinanceStandIn({ ETHBTC: series, LTCBTC: ltc }, '5m', closedBefore(50));
    const { restUrl, wsUrl } = await server.start();
    const s = server;
    const f = new BinanceKlineFeed({
      symbols: ['ethbtc', 'LTCBTC'],
      interval: '5m',
      startTime: T(0),
      restBaseUrl: restUrl,
      wsBaseUrl: wsUrl,
      now: () => s.now,
    });
    feed = f;
    expect(f.streamUrl).toBe(`${wsUrl}/stream?streams=ethbtc@kline_5m/ltcbtc@kline_5m`);
    const it = f[Symbol.asyncIterator]();
    const backfill = await take(it, 100);
    const of = (events: CandleEvent[], sym: string) =>
      events.filter((e) => e.symbol === sym).map((e) => e.candle);
    expect(of(backfill, 'ETHBTC')).toEqual(Array.from({ length: 50 }, (_, i) => candleAt(series, i)));
    expect(of(backfill, 'LTCBTC')).toEqual(Array.from({ length: 50 }, (_, i) => candleAt(ltc, i)));
    const pending = take(it, 4);
    // Wait for the catch-up requests of both markets (2 backfill + 2 catch-up calls) before the clock moves.
    while (server.requests.length < 4) await new Promise((r) => setTimeout(r, 5));
    expect(server.streamPaths).toEqual(['/stream?streams=ethbtc@kline_5m/ltcbtc@kline_5m']);
    server.now = closedBefore(52);
    server.push('ETHBTC', T(50), true);
    server.push('LTCBTC', T(51), true); // LTC skips candle 50: filled from REST
    server.push('ETHBTC', T(51), true);
    const live = await pending;
    expect(live.map((e) => [e.symbol, e.candle.t])).toEqual([
      ['ETHBTC', T(50)],
      ['LTCBTC', T(50)],
      ['LTCBTC', T(51)],
      ['ETHBTC', T(51)],
    ]);
    expect(of(live, 'LTCBTC')).toEqual([candleAt(ltc, 50), candleAt(ltc, 51)]);
  });

  it('refuses an empty, repeated or malformed market list', () => {
    expect(() => new BinanceKlineFeed({ interval: '5m' })).toThrow(/needs a symbol/);
    expect(() => new BinanceKlineFeed({ symbols: ['ETHBTC', 'ethbtc'], interval: '5m' })).toThrow(
      /given twice/,
    );
    expect(() => new BinanceKlineFeed({ symbol: 'ETH/BTC', interval: '5m' })).toThrow(
      /invalid Binance symbol/,
    );
    expect(() => new BinanceKlineFeed({ symbol: 'ETHBTC', interval: '1M' })).toThrow(
      /unsupported Binance kline interval/,
    );
  });

  it('ignores malformed messages, other events and duplicates, with a warning', async () => {
    const warnings: string[] = [];
    const { server, it } = await setup(closedBefore(10), T(0), warnings);
    expectCandles(await take(it, 10), 0);
    const next = it.next();
    await server.waitForConnections(1);
    server.pushRaw('not json');
    server.pushRaw(JSON.stringify({ e: 'kline', k: { s: 'ETHBTC' } }));
    server.pushRaw(JSON.stringify({ result: null, id: 1 }));
    server.push('ETHBTC', T(9), true); // already emitted by the backfill
    // The server clock stays put, so candle 10 can only come from the stream, after the junk.
    server.push('ETHBTC', T(10), true);
    expectCandles([(await next).value as CandleEvent], 10);
    expect(warnings.filter((w) => w.includes('malformed'))).toHaveLength(2);
  });

  it('reconnects when the stream goes silent', async () => {
    server = new BinanceStandIn({ ETHBTC: series }, '5m', closedBefore(3));
    const { restUrl, wsUrl } = await server.start();
    const warnings: string[] = [];
    const s = server;
    const f = new BinanceKlineFeed({
      symbol: 'ETHBTC',
      interval: '5m',
      startTime: T(0),
      restBaseUrl: restUrl,
      wsBaseUrl: wsUrl,
      now: () => s.now,
      staleAfterMs: 30,
      reconnect: { initialDelayMs: 1, maxDelayMs: 2 },
      onWarning: (m) => warnings.push(m),
    });
    feed = f;
    const it = f[Symbol.asyncIterator]();
    expectCandles(await take(it, 3), 0);
    const next = it.next();
    // The stand-in sends nothing: the feed gives up on the silent connection and opens another.
    await server.waitForConnections(2);
    expect(warnings.some((w) => w.includes('silent for 30 ms'))).toBe(true);
    server.now = closedBefore(4);
    server.push('ETHBTC', T(3), true);
    expectCandles([(await next).value as CandleEvent], 3);
  });

  it('waits out a 429 for Retry-After seconds and retries', async () => {
    const { server, it } = await setup(closedBefore(5), T(0));
    server.failures.push({
      status: 429,
      body: '{"code":-1003,"msg":"Too much request weight used"}',
      retryAfterSeconds: 0.01,
    });
    expectCandles(await take(it, 5), 0);
    expect(server.requests.length).toBe(2);
  });

  it('fails with the API error for an invalid symbol', async () => {
    server = new BinanceStandIn({ LTCBTC: series }, '5m', closedBefore(5));
    const { restUrl, wsUrl } = await server.start();
    feed = new BinanceKlineFeed({
      symbol: 'ETHBTC',
      interval: '5m',
      startTime: 0,
      restBaseUrl: restUrl,
      wsBaseUrl: wsUrl,
    });
    const err = await feed[Symbol.asyncIterator]()
      .next()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(BinanceApiError);
    expect((err as BinanceApiError).code).toBe(-1121);
    expect((err as Error).message).toContain('Invalid symbol.');
  });

  it('ends quietly when closed while waiting', async () => {
    const { it, feed } = await setup(closedBefore(1));
    const pending = it.next();
    feed.close();
    expect((await pending).done).toBe(true);
  });
});

describe('kline wire formats', () => {
  it('parses the documented stream example', () => {
    const m = klineFromStream({
      e: 'kline',
      E: 1672515782136,
      s: 'BNBBTC',
      k: {
        t: 1672515780000,
        T: 1672515839999,
        s: 'BNBBTC',
        i: '1m',
        f: 100,
        L: 200,
        o: '0.0010',
        c: '0.0020',
        h: '0.0025',
        l: '0.0015',
        v: '1000',
        n: 100,
        x: false,
        q: '1.0000',
        V: '500',
        Q: '0.500',
        B: '123456',
      },
    });
    expect(m).toEqual({
      symbol: 'BNBBTC',
      interval: '1m',
      closed: false,
      kline: {
        t: 1672515780000,
        open: 0.001,
        high: 0.0025,
        low: 0.0015,
        close: 0.002,
        volume: 1000,
        closeTime: 1672515839999,
      },
    });
  });

  it('parses the documented REST example and rejects malformed rows', () => {
    const k = klineFromRest([
      1499040000000,
      '0.01634790',
      '0.80000000',
      '0.01575800',
      '0.01577100',
      '148976.11427815',
      1499644799999,
      '2434.19055334',
      308,
      '1756.87402397',
      '28.46694368',
      '17928899.62484339',
    ]);
    expect(k).toEqual({
      t: 1499040000000,
      open: 0.0163479,
      high: 0.8,
      low: 0.015758,
      close: 0.015771,
      volume: 148976.11427815,
      closeTime: 1499644799999,
    });
    expect(() => klineFromRest([1, 'x', '1', '1', '1', '1', 2])).toThrow(BinanceProtocolError);
    expect(() => klineFromRest({})).toThrow(BinanceProtocolError);
  });
});
