// REST backfill: `GET /api/v3/klines?symbol=&interval=&startTime=&endTime=&limit=`
// (weight 2, at most 1000 klines a call, inclusive time bounds, klines
// identified by open time). Pages forward until the range is covered and
// honours the rate limiter: 429 (and 418, an IP ban) carry Retry-After seconds.
import type { Sleep } from '../feed.ts';
import { type Kline, klineFromRest } from './klines.ts';

/** An error answer from the API: HTTP status plus Binance's `{code, msg}`. */
export class BinanceApiError extends Error {
  override readonly name = 'BinanceApiError';
  readonly status: number;
  readonly code: number | undefined;
  constructor(status: number, code: number | undefined, msg: string, url: string) {
    super(`Binance ${url} answered HTTP ${status}${code !== undefined ? ` code ${code}` : ''}: ${msg}`);
    this.status = status;
    this.code = code;
  }
}

export interface KlineRequest {
  readonly baseUrl: string;
  readonly symbol: string;
  readonly interval: string;
  /** Inclusive open-time bounds. */
  readonly startTime: number;
  readonly endTime: number;
  /** Klines per call, at most 1000 (the API's maximum). */
  readonly limit?: number;
  readonly fetch?: typeof fetch;
  readonly sleep: Sleep;
  readonly signal: AbortSignal;
  /** Retries of a rate-limited or failed (5xx, network) call before giving up. */
  readonly maxRetries?: number;
}

/** One call, with retries for 429/418 (after Retry-After), 5xx and network errors. */
export async function getKlinesPage(req: KlineRequest, startTime: number): Promise<Kline[]> {
  const f = req.fetch ?? fetch;
  const url = new URL('/api/v3/klines', req.baseUrl);
  url.searchParams.set('symbol', req.symbol.toUpperCase());
  url.searchParams.set('interval', req.interval);
  url.searchParams.set('startTime', String(startTime));
  url.searchParams.set('endTime', String(req.endTime));
  url.searchParams.set('limit', String(Math.min(req.limit ?? 1000, 1000)));
  const maxRetries = req.maxRetries ?? 5;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await f(url, { signal: req.signal });
    } catch (e) {
      if (req.signal.aborted || attempt >= maxRetries) throw e;
      await req.sleep(backoffMs(attempt), req.signal);
      continue;
    }
    if (res.ok) {
      const body = (await res.json()) as unknown;
      if (!Array.isArray(body))
        throw new BinanceApiError(res.status, undefined, 'klines answer is not an array', url.pathname);
      return body.map(klineFromRest);
    }
    const text = await res.text();
    let code: number | undefined;
    let msg = text;
    try {
      const j = JSON.parse(text) as { code?: number; msg?: string };
      code = j.code;
      msg = j.msg ?? text;
    } catch {
      // Not JSON (a proxy's HTML page, say): keep the text.
    }
    const retryable = res.status === 429 || res.status === 418 || res.status >= 500;
    if (!retryable || attempt >= maxRetries || req.signal.aborted) {
      throw new BinanceApiError(res.status, code, msg, url.pathname);
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    await req.sleep(
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoffMs(attempt),
      req.signal,
    );
  }
}

function backoffMs(attempt: number): number {
  return Math.min(30_000, 250 * 2 ** attempt);
}

/** All klines with open time in [startTime, endTime], oldest first, paging as needed. */
export async function* fetchKlines(req: KlineRequest): AsyncGenerator<Kline> {
  let from = req.startTime;
  let last = Number.NEGATIVE_INFINITY;
  while (from <= req.endTime && !req.signal.aborted) {
    const page = await getKlinesPage(req, from);
    let advanced = false;
    for (const k of page) {
      if (k.t <= last || k.t > req.endTime) continue;
      last = k.t;
      advanced = true;
      yield k;
    }
    if (!advanced || page.length < Math.min(req.limit ?? 1000, 1000)) return;
    from = last + 1;
  }
}
