// A local stand-in for Binance spot market data, for tests: an HTTP server on
// 127.0.0.1 answering `GET /api/v3/klines` and a WebSocket endpoint
// `/ws/<symbol>@kline_<interval>` pushing kline events, both in the documented
// wire format, over a candle series. The test moves the server clock and
// decides what the stream sends, drops connections, or fails requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { CandleSeries } from '../candle.ts';

export interface StandInFailure {
  readonly status: number;
  readonly body: string;
  readonly retryAfterSeconds?: number;
}

interface Subscriber {
  readonly ws: WebSocket;
  /** Combined-stream connections get `{stream, data}` envelopes. */
  readonly combined: boolean;
  readonly symbols: ReadonlySet<string>;
}

export class BinanceStandIn {
  readonly markets: ReadonlyMap<string, CandleSeries>;
  readonly interval: string;
  /** Server clock, epoch ms: klines opening after it do not exist yet. */
  now: number;
  readonly requests: URL[] = [];
  readonly failures: StandInFailure[] = [];
  /** What `GET /api/v3/exchangeInfo?symbol=` answers, per symbol (set by the test). */
  readonly symbolInfo = new Map<string, unknown>();
  /** Stream paths (with query) clients connected to. */
  readonly streamPaths: string[] = [];
  readonly #subscribers = new Set<Subscriber>();
  readonly #connectionWaiters: (() => void)[] = [];
  #connections = 0;
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;

  /** `markets`: symbol (upper case, e.g. ETHBTC) to its candles. */
  constructor(markets: Readonly<Record<string, CandleSeries>>, interval: string, now: number) {
    this.markets = new Map(Object.entries(markets));
    this.interval = interval;
    this.now = now;
  }

  get connections(): number {
    return this.#connections;
  }

  async start(): Promise<{ restUrl: string; wsUrl: string }> {
    const http = createServer((req, res) => this.#handle(req, res));
    const wss = new WebSocketServer({ noServer: true });
    http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const suffix = `@kline_${this.interval}`;
      const toSymbol = (name: string) =>
        name.endsWith(suffix) && name === name.toLowerCase()
          ? name.slice(0, -suffix.length).toUpperCase()
          : '';
      let names: string[] = [];
      let combined = false;
      if (url.pathname.startsWith('/ws/')) names = [url.pathname.slice(4)];
      else if (url.pathname === '/stream') {
        combined = true;
        names = (url.searchParams.get('streams') ?? '').split('/');
      }
      const symbols = names.map(toSymbol);
      if (names.length === 0 || symbols.some((sym) => !this.markets.has(sym))) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const sub = { ws, combined, symbols: new Set(symbols) };
        this.#subscribers.add(sub);
        ws.on('close', () => this.#subscribers.delete(sub));
        this.streamPaths.push(`${url.pathname}${url.search}`);
        this.#connections++;
        for (const w of this.#connectionWaiters.splice(0)) w();
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    this.#http = http;
    this.#wss = wss;
    const { port } = http.address() as AddressInfo;
    return { restUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` };
  }

  /** Resolves once the stream has had `count` connections in all. */
  async waitForConnections(count: number): Promise<void> {
    while (this.#connections < count) await new Promise<void>((r) => this.#connectionWaiters.push(r));
  }

  static #index(series: CandleSeries, t: number): number {
    let lo = 0;
    let hi = series.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (series.time[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  static #klineArray(s: CandleSeries, i: number): unknown[] {
    const t = s.time[i]!;
    return [
      t,
      String(s.open[i]),
      String(s.high[i]),
      String(s.low[i]),
      String(s.close[i]),
      String(s.volume[i]),
      t + s.timeframeMs - 1,
      '0',
      1,
      '0',
      '0',
      '0',
    ];
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.requests.push(url);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const failure = this.failures.shift();
    if (failure) {
      const headers: Record<string, string> =
        failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
      send(failure.status, failure.body, headers);
      return;
    }
    if (url.pathname === '/api/v3/exchangeInfo') {
      const info = this.symbolInfo.get(url.searchParams.get('symbol') ?? '');
      if (info === undefined) send(400, { code: -1121, msg: 'Invalid symbol.' });
      else
        send(200, {
          timezone: 'UTC',
          serverTime: this.now,
          rateLimits: [],
          exchangeFilters: [],
          symbols: [info],
        });
      return;
    }
    if (url.pathname !== '/api/v3/klines') {
      send(404, { code: -1000, msg: 'not found' });
      return;
    }
    const q = url.searchParams;
    const series = this.markets.get(q.get('symbol') ?? '');
    if (!series) {
      send(400, { code: -1121, msg: 'Invalid symbol.' });
      return;
    }
    if (q.get('interval') !== this.interval) {
      send(400, { code: -1120, msg: 'Invalid interval.' });
      return;
    }
    const limit = Number(q.get('limit') ?? 500);
    if (!(limit >= 1 && limit <= 1000)) {
      send(400, { code: -1130, msg: "Data sent for parameter 'limit' is not valid." });
      return;
    }
    const start = Number(q.get('startTime') ?? 0);
    const end = Math.min(Number(q.get('endTime') ?? Number.MAX_SAFE_INTEGER), this.now);
    const rows: unknown[] = [];
    for (let i = BinanceStandIn.#index(series, start); i < series.length && rows.length < limit; i++) {
      if (series.time[i]! > end) break;
      rows.push(BinanceStandIn.#klineArray(series, i));
    }
    send(200, rows);
  }

  /** Pushes the kline of `symbol`'s candle opening at `t` to the clients subscribed to it. */
  push(symbol: string, t: number, closed: boolean): void {
    const series = this.markets.get(symbol);
    if (!series) throw new Error(`the stand-in has no market ${symbol}`);
    const k = BinanceStandIn.#klineArray(series, BinanceStandIn.#index(series, t));
    const payload = {
      e: 'kline',
      E: this.now,
      s: symbol,
      k: {
        t: k[0],
        T: k[6],
        s: symbol,
        i: this.interval,
        f: 100,
        L: 200,
        o: k[1],
        c: k[4],
        h: k[2],
        l: k[3],
        v: k[5],
        n: 100,
        x: closed,
        q: '0',
        V: '0',
        Q: '0',
        B: '0',
      },
    };
    const stream = `${symbol.toLowerCase()}@kline_${this.interval}`;
    for (const sub of this.#subscribers) {
      if (!sub.symbols.has(symbol)) continue;
      sub.ws.send(JSON.stringify(sub.combined ? { stream, data: payload } : payload));
    }
  }

  /** Sends raw text (malformed messages, other events) to every stream client. */
  pushRaw(text: string): void {
    for (const sub of this.#subscribers) sub.ws.send(text);
  }

  /** Cuts every stream connection without a closing handshake. */
  dropConnections(): void {
    for (const sub of this.#subscribers) sub.ws.terminate();
  }

  async stop(): Promise<void> {
    for (const sub of this.#subscribers) sub.ws.terminate();
    this.#wss?.close();
    await new Promise<void>((resolve) => (this.#http ? this.#http.close(() => resolve()) : resolve()));
  }
}
