// No secret in logs, status or responses: planted secrets (the traders'
// tokens, a database password, an exchange API secret) go through every path
// that could leak them, then every log line and every response is searched.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seededSource, testServer } from './fake-status-server.ts';
import { fakeIssuer, testConfig } from './fake-tokens.ts';
import { scrubSecrets } from './redact.ts';
import { STREAM_PROTOCOL } from './schemas/stream.ts';
import { buildStatusServer } from './server.ts';
import type { BotStatusSource } from './status-source.ts';

const DB_PASSWORD = 'Pl4nted-DB-Passw0rd';
const API_SECRET = 'PLANTED-EXCHANGE-API-SECRET-7f3a';

function leakySource(): BotStatusSource {
  const source = seededSource();
  source.setDependency('mongodb', { ok: false, detail: `mongodb://bot:${DB_PASSWORD}@mongo:27017 refused` });
  return {
    bot: source.bot,
    // A careless executor puts credentials next to the figures...
    status: () => Object.assign({ ...source.status() }, { exchange: { apiSecret: API_SECRET } }),
    positions: () => source.positions(),
    // ...and a failing one throws with its connection string.
    trades: () => {
      throw new Error(`query failed on mongodb://bot:${DB_PASSWORD}@mongo:27017 (apiSecret=${API_SECRET})`);
    },
    equity: (q) => source.equity(q),
    subscribe: (l) => source.subscribe(l),
    health: () => source.health(),
  };
}

describe('secrets', () => {
  it('never appear in a log line or a response', async () => {
    const t = await testServer({ rateLimit: { max: 1000 } }, { source: leakySource() });
    const now = Math.floor(Date.now() / 1000);
    const expired = await t.issuer.sign({ exp: now - 60, iat: now - 600 }, { now: Date.now() - 600_000 });
    const otherBot = await t.issuer.sign({ bots: ['desk-b/x'] });
    const forged = await fakeIssuer('ES256', t.issuer.kid).sign();
    const planted = [t.token, expired, otherBot, forged, DB_PASSWORD, API_SECRET];
    // A token's signature alone is enough to be worth hiding.
    planted.push(...[t.token, expired, otherBot, forged].map((x) => x.split('.')[2]!));

    const bodies: string[] = [];
    const urls = [
      '/api/v1/status',
      '/api/v1/positions',
      '/api/v1/trades',
      '/api/v1/equity',
      '/healthz',
      '/readyz',
      '/metrics',
      '/',
      '/page/app.js',
      '/nowhere',
      `/api/v1/status?token=${t.token}`,
    ];
    for (const token of [t.token, expired, otherBot, forged, null]) {
      for (const url of urls) {
        const res = await t.inject(url, token);
        bodies.push(JSON.stringify(res.headers), res.body);
      }
    }
    const failed = await t.inject('/api/v1/trades');
    expect(failed.statusCode).toBe(500);

    // And the stream: a browser's subprotocol carries the token.
    const address = await t.server.listen();
    const ws = new WebSocket(`${address.replace('http', 'ws')}/api/v1/stream`, [
      STREAM_PROTOCOL,
      `bearer.${t.token}`,
    ]);
    const hello = await new Promise<string>((resolve, reject) => {
      ws.once('message', (d) => resolve(String(d)));
      ws.once('error', reject);
    });
    bodies.push(hello, ws.protocol);
    ws.close();
    await t.server.close();

    const logs = t.logs.join('');
    // The paths that could leak were taken and logged.
    expect(logs).toContain('token refused');
    expect(logs).toContain('request failed');
    expect(logs).toContain('mongodb://bot:[redacted]@mongo');
    for (const secret of planted) {
      expect(logs).not.toContain(secret);
      for (const body of bodies) expect(body).not.toContain(secret);
    }
  });

  it('stay out of a log line even when the process passes its own logger', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'trace' },
      new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const issuer = fakeIssuer('EdDSA');
    const server = await buildStatusServer({
      config: testConfig(),
      source: leakySource(),
      keys: [issuer.verificationKey],
      logger,
    });
    const token = await issuer.sign();
    await server.app.inject({ url: '/api/v1/trades', headers: { authorization: `Bearer ${token}` } });
    server.app.log.info({ headers: { authorization: `Bearer ${token}` }, token }, 'a careless line');
    await server.close();
    const text = lines.join('');
    expect(text).toContain('a careless line');
    expect(text).toContain('request failed');
    for (const secret of [token, DB_PASSWORD]) expect(text).not.toContain(secret);
  });
});

describe('scrubSecrets', () => {
  it.each([
    ['redis://:hunter2@cache:6379/0', 'redis://:[redacted]@cache:6379/0'],
    ['nats://bot:hunter2@nats:4222', 'nats://bot:[redacted]@nats:4222'],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer [redacted]'],
    ['token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl end', 'token [redacted jwt] end'],
    ['apiSecret=abc123 next', 'apiSecret=[redacted] next'],
    ['{"password":"abc123"}', '{"password":"[redacted]"}'],
    ['BINANCE_API_KEY: abc123', 'BINANCE_API_KEY: [redacted]'],
    ['plain message', 'plain message'],
  ])('%s', (input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });
});
