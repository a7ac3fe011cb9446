import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config.ts';
import { HttpErrorCode } from './errors.ts';
import { seededSource, type TestServer, testServer } from './fake-status-server.ts';
import { TEST_BOT, testConfig } from './fake-tokens.ts';
import { MemoryStatusSource } from './memory-status-source.ts';
import { PAGE_CSP } from './page-routes.ts';
import { ErrorResponse } from './schemas/common.ts';
import { EquityResponse } from './schemas/equity.ts';
import { HealthzResponse, ReadyzResponse } from './schemas/health.ts';
import { PositionsResponse } from './schemas/positions.ts';
import { BotStatusSchema } from './schemas/status.ts';
import { TradesResponse } from './schemas/trades.ts';
import { buildStatusServer, missingResponseSchemas } from './server.ts';
import type { BotStatusSource } from './status-source.ts';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.server.close();
  t = undefined;
});

function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = res.json();
  expect(Value.Check(ErrorResponse, body)).toBe(true);
  expect(body).toMatchObject({ statusCode: status, code });
}

describe('GET /api/v1/status', () => {
  it('answers the status in its schema, money as decimal strings', async () => {
    t = await testServer();
    const res = await t.inject('/api/v1/status');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Value.Check(BotStatusSchema, body)).toBe(true);
    expect(body).toMatchObject({
      bot: TEST_BOT,
      currency: 'BTC',
      openPositions: 2,
      risk: { state: 'CoolingDown', reason: 'COOLDOWN: losses=5' },
      strategies: [{ name: 'rsi-fast', type: 'rsi', ready: true, lastSignal: 'buy' }],
    });
    expect(body.equity).toBe(t.source.status().equity);
    expect(typeof body.pnlTotal).toBe('string');
  });

  it('sends only the fields of its schema, whatever the source adds', async () => {
    const source = seededSource();
    const leaky: BotStatusSource = {
      bot: source.bot,
      status: () => ({ ...source.status(), internalNote: 'not for traders' }),
      positions: () => source.positions(),
      trades: (q) => source.trades(q),
      equity: (q) => source.equity(q),
      subscribe: (l) => source.subscribe(l),
      health: () => source.health(),
    };
    t = await testServer({}, { source: leaky });
    const res = await t.inject('/api/v1/status');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('internalNote');
  });
});

describe('GET /api/v1/positions', () => {
  it('answers the open positions', async () => {
    t = await testServer();
    const res = await t.inject('/api/v1/positions');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Value.Check(PositionsResponse, body)).toBe(true);
    expect(body.items.map((p: { symbol: string }) => p.symbol)).toEqual(['ETH/BTC', 'LTC/BTC']);
    expect(body.items[1]).toEqual({
      symbol: 'LTC/BTC',
      side: 'short',
      quantity: '10',
      entryPrice: '0.0011',
      unrealizedPnl: '-0.0001',
    });
  });
});

describe('GET /api/v1/trades', () => {
  it('pages through every trade, newest first, with the default page size of 50', async () => {
    t = await testServer();
    const ids: string[] = [];
    let url = '/api/v1/trades';
    let pages = 0;
    for (;;) {
      const res = await t.inject(url);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(Value.Check(TradesResponse, body)).toBe(true);
      ids.push(...body.items.map((x: { id: string }) => x.id));
      pages++;
      if (!body.nextCursor) break;
      url = `/api/v1/trades?cursor=${body.nextCursor}`;
    }
    expect(pages).toBe(3);
    expect(ids).toEqual(Array.from({ length: 120 }, (_, i) => `trade-${119 - i}`));
  });

  it('takes a limit', async () => {
    t = await testServer();
    const body = (await t.inject('/api/v1/trades?limit=7')).json();
    expect(body.items).toHaveLength(7);
    expect(body.items[0]).toMatchObject({
      id: 'trade-119',
      side: 'sell',
      liquidity: 'taker',
      realizedPnl: '0.0003',
    });
  });

  it.each(['limit=0', 'limit=501', 'limit=ten', 'cursor=', 'cursor=a%20b'])(
    'refuses %s with 400',
    async (query) => {
      t = await testServer();
      expectError(await t.inject(`/api/v1/trades?${query}`), 400, HttpErrorCode.BAD_REQUEST);
    },
  );

  it('refuses a cursor it did not issue with BAD_CURSOR', async () => {
    t = await testServer();
    expectError(await t.inject('/api/v1/trades?cursor=Zm9yZ2Vk'), 400, HttpErrorCode.BAD_CURSOR);
  });
});

describe('GET /api/v1/equity', () => {
  it('answers the curve, widened to the limit', async () => {
    t = await testServer();
    const res = await t.inject('/api/v1/equity?limit=100');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Value.Check(EquityResponse, body)).toBe(true);
    expect(body.currency).toBe('BTC');
    expect(body.points.length).toBeLessThanOrEqual(100);
    expect(body.points.length).toBeGreaterThan(40);
    expect(body.step).toBeGreaterThan(0);
  });

  it('answers a window in buckets of step seconds', async () => {
    t = await testServer();
    const from = '2026-11-20T12:00:00Z';
    const to = '2026-11-20T13:59:59Z';
    const body = (await t.inject(`/api/v1/equity?from=${from}&to=${to}&step=600`)).json();
    expect(body.step).toBe(600);
    expect(body.points).toHaveLength(12);
    for (const p of body.points) {
      expect(p.t).toBeGreaterThanOrEqual(Date.parse(from));
      expect(p.t).toBeLessThanOrEqual(Date.parse(to));
    }
  });

  it.each([
    'from=yesterday',
    'step=0',
    'limit=1',
    'limit=10001',
    'from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z',
  ])('refuses %s with 400', async (query) => {
    t = await testServer();
    expectError(await t.inject(`/api/v1/equity?${query}`), 400, HttpErrorCode.BAD_REQUEST);
  });
});

describe('probes and metrics', () => {
  it('/healthz and /readyz answer without a token', async () => {
    t = await testServer();
    const live = await t.inject('/healthz', null);
    expect(live.statusCode).toBe(200);
    expect(Value.Check(HealthzResponse, live.json())).toBe(true);
    const ready = await t.inject('/readyz', null);
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: [] });
  });

  it('/readyz is 503 while a required dependency is down, naming it but not its detail', async () => {
    t = await testServer();
    t.source.setDependency('nats', { ok: false, detail: 'nats://user:hunter2@nats:4222 refused' });
    t.source.setDependency('redis', { ok: false, required: false });
    const res = await t.inject('/readyz', null);
    expect(res.statusCode).toBe(503);
    expect(Value.Check(ReadyzResponse, res.json())).toBe(true);
    expect(res.json()).toEqual({
      status: 'not ready',
      checks: [
        { name: 'nats', ok: false, required: true },
        { name: 'redis', ok: false, required: false },
      ],
    });
    expect(res.body).not.toContain('hunter2');
    t.source.setDependency('nats', { ok: true });
    expect((await t.inject('/readyz', null)).statusCode).toBe(200);
  });

  it('/metrics is public by default and exports the trading metrics', async () => {
    t = await testServer();
    t.server.metrics.recordOrder({ type: 'market', side: 'buy' });
    t.server.metrics.recordFill({ liquidity: 'taker' });
    t.server.metrics.recordDenial('DAILY_LOSS_LIMIT');
    t.server.metrics.observeEventToFill(0.00004);
    t.source.setDependency('nats', { ok: true });
    t.source.recordTrade({
      ...t.source.trades({ limit: 1 }).items[0]!,
      id: 'extra',
      side: 'buy',
      symbol: 'ETH/BTC',
    });
    const res = await t.inject('/metrics', null);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const labels = 'namespace="desk-a",bot="eth-btc"';
    for (const line of [
      `botcore_equity{${labels},currency="BTC"} ${Number(t.source.status().equity)}`,
      `botcore_open_positions{${labels}} 2`,
      `botcore_risk_state{${labels},state="CoolingDown"} 1`,
      `botcore_risk_state{${labels},state="Active"} 0`,
      `botcore_orders_total{${labels},type="market",side="buy"} 1`,
      `botcore_fills_total{${labels},liquidity="taker"} 1`,
      `botcore_risk_denials_total{${labels},code="DAILY_LOSS_LIMIT"} 1`,
      `botcore_event_to_fill_seconds_bucket{le="0.00005",${labels}} 1`,
      `botcore_event_to_fill_seconds_bucket{le="0.000025",${labels}} 0`,
      `botcore_dependency_up{${labels},dependency="nats",required="true"} 1`,
      `botcore_trades_total{${labels},symbol="ETH/BTC",side="buy"} 1`,
      `botcore_ready{${labels}} 1`,
    ]) {
      expect(res.body.split('\n')).toContain(line);
    }
    expect(res.body).toMatch(/^botcore_pnl_today\{/m);
    expect(res.body).toMatch(/^botcore_pnl_total\{/m);
  });

  it('/metrics needs a token when metrics.public is false', async () => {
    t = await testServer({ metrics: { public: false } });
    expectError(await t.inject('/metrics', null), 401, HttpErrorCode.TOKEN_MISSING);
    expect((await t.inject('/metrics')).statusCode).toBe(200);
  });
});

describe('the page', () => {
  it('serves / and its assets without a token, under a strict CSP', async () => {
    t = await testServer();
    const page = await t.inject('/', null);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain('<svg id="equity-chart"');
    for (const asset of ['app.js', 'chart.js', 'style.css']) {
      const res = await t.inject(`/page/${asset}`, null);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-security-policy']).toBe(PAGE_CSP);
    }
    expect((await t.inject('/page/app.js', null)).headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
    expectError(await t.inject('/page/..%2Fserver.ts', null), 404, HttpErrorCode.NOT_FOUND);
  });

  it('is absent when page.enabled is false', async () => {
    t = await testServer({ page: { enabled: false } });
    expectError(await t.inject('/', null), 404, HttpErrorCode.NOT_FOUND);
  });
});

describe('errors, limits and headers', () => {
  it('answers unknown paths with the NOT_FOUND code', async () => {
    t = await testServer();
    expectError(await t.inject('/api/v2/status'), 404, HttpErrorCode.NOT_FOUND);
    expectError(await t.inject('/api/v2/status', null), 404, HttpErrorCode.NOT_FOUND);
  });

  it('hides the internals of a 5xx from the client and logs them', async () => {
    const source = seededSource();
    source.positions = () => {
      throw new Error('mongo at mongodb://admin:s3cr3t@db:27017 timed out');
    };
    t = await testServer({}, { source });
    const res = await t.inject('/api/v1/positions');
    expectError(res, 500, HttpErrorCode.INTERNAL);
    expect(res.json().message).toBe('internal error');
    expect(res.body).not.toContain('s3cr3t');
    expect(t.logs.join('')).toContain('request failed');
  });

  it('rate-limits per client with 429 and Retry-After, never the probes', async () => {
    t = await testServer({ rateLimit: { max: 3, windowSeconds: 60 } });
    for (let i = 0; i < 3; i++) expect((await t.inject('/api/v1/status')).statusCode).toBe(200);
    const limited = await t.inject('/api/v1/status');
    expectError(limited, 429, HttpErrorCode.RATE_LIMITED);
    expect(limited.headers['retry-after']).toBeDefined();
    // Unauthenticated floods are limited too (before any signature is checked).
    expectError(await t.inject('/api/v1/status', 'forged'), 429, HttpErrorCode.RATE_LIMITED);
    expectError(await t.inject('/nowhere', null), 429, HttpErrorCode.RATE_LIMITED);
    for (let i = 0; i < 5; i++) {
      expect((await t.inject('/healthz', null)).statusCode).toBe(200);
      expect((await t.inject('/readyz', null)).statusCode).toBe(200);
    }
  });

  it('counts one IPv6 /64 as one client, and each IPv4 address as its own', async () => {
    t = await testServer({ rateLimit: { max: 2, windowSeconds: 60 } });
    const from = (remoteAddress: string) =>
      t!.server.app.inject({
        url: '/api/v1/status',
        remoteAddress,
        headers: { authorization: `Bearer ${t!.token}` },
      });
    expect((await from('2001:db8:1:2::1')).statusCode).toBe(200);
    expect((await from('2001:db8:1:2::ffff')).statusCode).toBe(200);
    expect((await from('2001:db8:1:2:abcd::9')).statusCode).toBe(429);
    expect((await from('2001:db8:1:3::1')).statusCode).toBe(200);
    expect((await from('10.0.0.1')).statusCode).toBe(200);
    expect((await from('10.0.0.2')).statusCode).toBe(200);
  });

  it('sends no CORS headers unless origins are configured', async () => {
    t = await testServer();
    const get = await t.inject('/api/v1/status', undefined, { origin: 'https://evil.example' });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.server.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/status',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.statusCode).toBeGreaterThanOrEqual(400);
  });

  it('allows exactly the configured CORS origins', async () => {
    t = await testServer({ cors: { origins: ['https://desk.example'] } });
    const ok = await t.inject('/api/v1/status', undefined, { origin: 'https://desk.example' });
    expect(ok.headers['access-control-allow-origin']).toBe('https://desk.example');
    const other = await t.inject('/api/v1/status', undefined, { origin: 'https://evil.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.server.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/status',
      headers: { origin: 'https://desk.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toBe('Authorization');
  });

  it('sets nosniff, no-referrer and no-store on API answers', async () => {
    t = await testServer();
    const res = await t.inject('/api/v1/status');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses to start when the key mount holds a private key, naming the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'status-keys-'));
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(join(dir, 'signing.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const config = testConfig({ auth: { publicKeys: { path: dir } } });
    const attempt = buildStatusServer({ config, source: seededSource() });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(/auth\.publicKeys\.path: .*private key/);
  });

  it('refuses to build for a source that serves another bot', async () => {
    const other = new MemoryStatusSource({
      bot: { namespace: 'desk-b', name: 'x' },
      currency: 'BTC',
      initialEquity: 1,
    });
    await expect(testServer({}, { source: other })).rejects.toThrow(/desk-b\/x/);
  });

  it('answers a plain GET of the stream with a hint to upgrade', async () => {
    t = await testServer();
    const res = await t.inject('/api/v1/stream');
    expectError(res, 400, HttpErrorCode.BAD_REQUEST);
    expect(res.json().message).toContain('WebSocket');
  });
});

describe('response schemas', () => {
  it('are required at start: a success and some 4xx (a WebSocket route needs no success)', () => {
    expect(missingResponseSchemas(undefined, false)).toEqual(['2xx', '4xx']);
    expect(missingResponseSchemas({ 200: {} }, false)).toEqual(['4xx']);
    expect(missingResponseSchemas({ 200: {}, 401: {} }, false)).toEqual([]);
    expect(missingResponseSchemas({ 401: {} }, true)).toEqual([]);
    expect(missingResponseSchemas({ 500: {} }, true)).toEqual(['4xx']);
  });
});
