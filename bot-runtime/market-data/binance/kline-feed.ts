// Live candles from Binance spot: the public `<symbol>@kline_<interval>`
// WebSocket stream for new candles, REST `GET /api/v3/klines` for history and
// for every hole — at start (from `startTime`), after each reconnect, and when
// the stream skips a candle. Emits each closed candle once, in order per market.
//
// Connection rules from the API docs: one market uses the raw stream
// `<wsBaseUrl>/ws/<lower-case symbol>@kline_<interval>`; several share one
// connection on the combined stream `<wsBaseUrl>/stream?streams=a@kline_5m/b@kline_5m`,
// whose messages are wrapped as `{"stream": name, "data": payload}` (at most
// 1024 streams a connection). The server pings every 20 s (the WebSocket
// client answers with pongs by itself) and closes every connection after 24 h,
// so reconnecting is normal operation, not a failure.
import type { CandleEvent, CandleFeed, Sleep } from '../feed.ts';
import { realSleep } from '../feed.ts';
import { AsyncQueue } from './async-queue.ts';
import { BinanceProtocolError, intervalMs, type Kline, klineFromStream } from './klines.ts';
import { BinanceApiError, fetchKlines } from './rest.ts';

export const BINANCE_REST_URL = 'https://api.binance.com';
export const BINANCE_WS_URL = 'wss://stream.binance.com:9443';
/** Streams one combined connection may carry (Binance's documented limit). */
export const MAX_STREAMS_PER_CONNECTION = 1024;

/** The part of the WHATWG WebSocket the feed uses (Node 24's global WebSocket has it). */
export interface WebSocketLike {
  addEventListener(
    type: 'open' | 'close' | 'error' | 'message',
    listener: (ev: { data?: unknown }) => void,
  ): void;
  close(): void;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export interface BinanceKlineFeedOptions {
  /** One market, e.g. `ETHBTC` (any case). Give this or `symbols`. */
  readonly symbol?: string;
  /** Several markets on one connection. */
  readonly symbols?: readonly string[];
  /** e.g. `5m`. */
  readonly interval: string;
  /** Backfill closed candles from this open time before going live. */
  readonly startTime?: number;
  readonly restBaseUrl?: string;
  readonly wsBaseUrl?: string;
  /** Reconnect delays: doubling from `initialDelayMs` up to `maxDelayMs`; reset after a good connection. */
  readonly reconnect?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** Reconnect when the stream is silent this long (klines update every 2 s). Default 30 s. */
  readonly staleAfterMs?: number;
  /** Reports recoverable trouble (a dropped connection, a malformed message); the feed carries on. */
  readonly onWarning?: (message: string) => void;
  // Injected in tests:
  readonly now?: () => number;
  readonly sleep?: Sleep;
  readonly fetch?: typeof fetch;
  readonly webSocket?: WebSocketFactory;
}

type WsEvent =
  | { kind: 'open' }
  | { kind: 'message'; data: unknown }
  | { kind: 'closed'; reason: string }
  | { kind: 'stop' };

export class BinanceKlineFeed implements CandleFeed {
  /** The markets, upper case, in the order given. */
  readonly symbols: readonly string[];
  readonly interval: string;
  readonly timeframeMs: number;
  readonly options: BinanceKlineFeedOptions;
  readonly #abort = new AbortController();
  #queue: AsyncQueue<WsEvent> | undefined;
  /** Open time of the last candle emitted, per market. */
  readonly #last = new Map<string, number>();
  /** Connections opened so far (tests and metrics read it). */
  connections = 0;

  constructor(options: BinanceKlineFeedOptions) {
    const symbols = [
      ...(options.symbols ?? []),
      ...(options.symbol !== undefined ? [options.symbol] : []),
    ].map((s) => s.toUpperCase());
    if (symbols.length === 0) throw new RangeError('BinanceKlineFeed needs a symbol or symbols');
    if (new Set(symbols).size !== symbols.length)
      throw new RangeError(`a market is given twice: ${symbols.join(', ')}`);
    if (symbols.length > MAX_STREAMS_PER_CONNECTION) {
      throw new RangeError(
        `${symbols.length} markets exceed ${MAX_STREAMS_PER_CONNECTION} streams a connection`,
      );
    }
    for (const s of symbols) {
      if (!/^[A-Z0-9]+$/.test(s)) throw new RangeError(`invalid Binance symbol "${s}"`);
      this.#last.set(s, Number.NEGATIVE_INFINITY);
    }
    this.symbols = symbols;
    this.interval = options.interval;
    this.timeframeMs = intervalMs(options.interval);
    this.options = options;
  }

  /** The single market's symbol (the first, when there are several). */
  get symbol(): string {
    return this.symbols[0]!;
  }

  get streamUrl(): string {
    const base = (this.options.wsBaseUrl ?? BINANCE_WS_URL).replace(/\/+$/, '');
    const names = this.symbols.map((s) => `${s.toLowerCase()}@kline_${this.interval}`);
    return names.length === 1 ? `${base}/ws/${names[0]}` : `${base}/stream?streams=${names.join('/')}`;
  }

  close(): void {
    this.#abort.abort();
    this.#queue?.push({ kind: 'stop' });
  }

  #lastOf(symbol: string): number {
    return this.#last.get(symbol)!;
  }

  #event(symbol: string, k: Kline): CandleEvent {
    this.#last.set(symbol, k.t);
    return {
      symbol,
      timeframeMs: this.timeframeMs,
      candle: { t: k.t, open: k.open, high: k.high, low: k.low, close: k.close, volume: k.volume },
    };
  }

  /** Closed candles of one market from REST with open time in [from, to], skipping any already emitted. */
  async *#backfill(symbol: string, from: number, to: number): AsyncGenerator<CandleEvent> {
    const now = (this.options.now ?? Date.now)();
    const pages = fetchKlines({
      baseUrl: this.options.restBaseUrl ?? BINANCE_REST_URL,
      symbol,
      interval: this.interval,
      startTime: Math.max(from, this.#lastOf(symbol) + 1),
      endTime: to,
      fetch: this.options.fetch,
      sleep: this.options.sleep ?? realSleep,
      signal: this.#abort.signal,
    });
    for await (const k of pages) {
      // The newest kline REST returns may still be forming.
      if (k.closeTime >= now) break;
      if (k.t > this.#lastOf(symbol)) yield this.#event(symbol, k);
    }
  }

  /**
   * A backfill that survives transient trouble: on a rate limit, a 5xx or a network
   * error it warns and returns false, and the caller reconnects (which backfills again).
   * A client error (bad symbol or interval) is fatal and propagates.
   */
  async *#tryBackfill(
    symbol: string,
    from: number,
    to: number,
    warn: (m: string) => void,
  ): AsyncGenerator<CandleEvent, boolean> {
    try {
      yield* this.#backfill(symbol, from, to);
      return true;
    } catch (e) {
      if (this.#abort.signal.aborted) throw e;
      if (
        e instanceof BinanceApiError &&
        e.status >= 400 &&
        e.status < 500 &&
        e.status !== 429 &&
        e.status !== 418
      ) {
        throw e;
      }
      warn(
        `backfill of ${symbol} ${this.interval} failed, will retry after reconnecting: ${(e as Error).message}`,
      );
      return false;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<CandleEvent> {
    const signal = this.#abort.signal;
    try {
      const start = this.options.startTime;
      if (start !== undefined) {
        const now = (this.options.now ?? Date.now)();
        for (const s of this.symbols) yield* this.#backfill(s, start, now);
      }
      yield* this.#live();
    } catch (e) {
      // close() aborts in-flight requests and waits; that is the end of the feed, not a failure.
      if (signal.aborted) return;
      throw e;
    }
  }

  async *#live(): AsyncGenerator<CandleEvent> {
    const signal = this.#abort.signal;
    const sleep = this.options.sleep ?? realSleep;
    const warn = this.options.onWarning ?? (() => {});
    const initialDelay = this.options.reconnect?.initialDelayMs ?? 500;
    const maxDelay = this.options.reconnect?.maxDelayMs ?? 30_000;
    const staleAfter = this.options.staleAfterMs ?? 30_000;
    const now = this.options.now ?? Date.now;
    const open = this.options.webSocket ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);
    let delay = initialDelay;
    while (!signal.aborted) {
      const queue = new AsyncQueue<WsEvent>();
      this.#queue = queue;
      let ws: WebSocketLike;
      try {
        ws = open(this.streamUrl);
      } catch (e) {
        warn(`cannot open ${this.streamUrl}: ${(e as Error).message}`);
        await sleep(delay, signal);
        delay = Math.min(maxDelay, delay * 2);
        continue;
      }
      ws.addEventListener('open', () => queue.push({ kind: 'open' }));
      ws.addEventListener('message', (ev) => queue.push({ kind: 'message', data: ev.data }));
      ws.addEventListener('error', () => queue.push({ kind: 'closed', reason: 'error' }));
      ws.addEventListener('close', () => queue.push({ kind: 'closed', reason: 'closed by server' }));
      let stale: ReturnType<typeof setTimeout> | undefined;
      const arm = () => {
        clearTimeout(stale);
        stale = setTimeout(
          () => queue.push({ kind: 'closed', reason: `silent for ${staleAfter} ms` }),
          staleAfter,
        );
        stale.unref?.();
      };
      arm();
      try {
        session: for (;;) {
          const ev = await queue.next();
          if (ev.kind === 'stop') return;
          if (ev.kind === 'closed') {
            warn(`${this.streamUrl}: ${ev.reason}; reconnecting in ${delay} ms`);
            break;
          }
          arm();
          if (ev.kind === 'open') {
            this.connections++;
            delay = initialDelay;
            // Catch up on whatever closed while we were away.
            for (const s of this.symbols) {
              const last = this.#lastOf(s);
              if (
                Number.isFinite(last) &&
                !(yield* this.#tryBackfill(s, last + this.timeframeMs, now(), warn))
              ) {
                break session;
              }
            }
            continue;
          }
          let msg: ReturnType<typeof klineFromStream>;
          try {
            let data = JSON.parse(String(ev.data)) as unknown;
            // Combined streams wrap each payload: {"stream": "<name>", "data": {...}}.
            if (data !== null && typeof data === 'object' && 'stream' in data && 'data' in data) {
              data = (data as { data: unknown }).data;
            }
            msg = klineFromStream(data);
          } catch (e) {
            if (!(e instanceof SyntaxError || e instanceof BinanceProtocolError)) throw e;
            warn(`${this.streamUrl}: ignored a malformed message: ${(e as Error).message}`);
            continue;
          }
          if (!msg?.closed || msg.interval !== this.interval || !this.#last.has(msg.symbol)) continue;
          const symbol = msg.symbol;
          const k = msg.kline;
          const last = this.#lastOf(symbol);
          if (k.t <= last) continue;
          if (Number.isFinite(last) && k.t > last + this.timeframeMs) {
            // The stream skipped candles (a server hiccup): fill the hole from REST first.
            if (!(yield* this.#tryBackfill(symbol, last + this.timeframeMs, k.t - 1, warn))) break;
            const filled = this.#lastOf(symbol);
            if (filled + this.timeframeMs < k.t) {
              // REST has no klines for the hole either: say so, and go on (the gap stays explicit).
              warn(
                `${symbol} ${this.interval}: no klines from ${new Date(filled + this.timeframeMs).toISOString()} to ${new Date(k.t).toISOString()} at the exchange`,
              );
            }
          }
          yield this.#event(symbol, k);
        }
      } finally {
        clearTimeout(stale);
        try {
          ws.close();
        } catch {
          // Already closed.
        }
      }
      if (signal.aborted) return;
      await sleep(delay, signal);
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}
