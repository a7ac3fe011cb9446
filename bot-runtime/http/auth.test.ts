// The authentication matrix: every protected route against every kind of
// bad token, and the public routes against none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpErrorCode } from './errors.ts';
import { seededSource, type TestServer, testServer } from './fake-status-server.ts';
import { fakeIssuer, TEST_BOT } from './fake-tokens.ts';

const PROTECTED = [
  '/api/v1/status',
  '/api/v1/positions',
  '/api/v1/trades',
  '/api/v1/equity',
  '/api/v1/stream',
];
const PUBLIC = ['/healthz', '/readyz', '/metrics', '/', '/page/app.js'];
const sec = (ms: number) => Math.floor(ms / 1000);

let t: TestServer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await testServer({ rateLimit: { max: 100_000 } });
  const now = Date.now();
  const stranger = fakeIssuer('ES256', t.issuer.kid); // same kid, a key the server does not hold
  const valid = await t.issuer.sign();
  const [h, p, s] = valid.split('.') as [string, string, string];
  const widened = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'mallory' }),
  ).toString('base64url');
  Object.assign(tokens, {
    valid,
    expired: await t.issuer.sign({ exp: sec(now) - 120, iat: sec(now) - 3720 }, { now: now - 3_720_000 }),
    otherBot: await t.issuer.sign({ sub: 'bob', bots: ['desk-a/sol-usdt', 'desk-b/*'] }),
    noBots: await t.issuer.sign({ sub: 'carol', bots: undefined }),
    forgedKey: await stranger.sign(),
    forgedPayload: `${h}.${widened}.${s}`,
    wrongAudience: await t.issuer.sign({ aud: 'grafana' }),
    wrongIssuer: await t.issuer.sign({ iss: 'https://evil.example' }),
    namespaceWide: await t.issuer.sign({ sub: 'desk-lead', bots: [`${TEST_BOT.namespace}/*`] }),
  });
});
afterAll(async () => {
  await t.server.close();
});

describe.each(PROTECTED)('%s', (url) => {
  it('refuses no token with 401 TOKEN_MISSING and a Bearer challenge', async () => {
    const res = await t.inject(url, null);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(HttpErrorCode.TOKEN_MISSING);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="botcore-status"');
  });

  it('refuses an expired token with 401 TOKEN_EXPIRED', async () => {
    const res = await t.inject(url, tokens.expired);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(HttpErrorCode.TOKEN_EXPIRED);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it("refuses another trader's token (other bots) with 403 FORBIDDEN", async () => {
    for (const token of [tokens.otherBot, tokens.noBots]) {
      const res = await t.inject(url, token);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({
        code: HttpErrorCode.FORBIDDEN,
        message: expect.stringContaining('desk-a/eth-btc'),
      });
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    }
  });

  it.each(['forgedKey', 'forgedPayload', 'wrongAudience', 'wrongIssuer'])(
    'refuses a %s token with 401 TOKEN_INVALID',
    async (kind) => {
      const res = await t.inject(url, tokens[kind]);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe(HttpErrorCode.TOKEN_INVALID);
    },
  );

  it('accepts a token for the bot, or for its whole namespace', async () => {
    const expected = url === '/api/v1/stream' ? 400 : 200; // a plain GET of the stream: "upgrade"
    expect((await t.inject(url, tokens.valid)).statusCode).toBe(expected);
    expect((await t.inject(url, tokens.namespaceWide)).statusCode).toBe(expected);
  });
});

describe('how the token may travel', () => {
  it('never from the query string', async () => {
    const res = await t.inject(`/api/v1/status?token=${tokens.valid}`, null);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(HttpErrorCode.TOKEN_MISSING);
  });

  it('not in a WebSocket subprotocol outside the stream', async () => {
    const res = await t.inject('/api/v1/status', null, {
      'sec-websocket-protocol': `botcore.v1, bearer.${tokens.valid}`,
    });
    expect(res.statusCode).toBe(401);
  });

  it.each(['Basic dXNlcjpwYXNz', `Token ${'x'}`, 'Bearer', `Bearer ${'a b'}`])(
    'refuses the Authorization header %j',
    async (header) => {
      const res = await t.server.app.inject({ url: '/api/v1/status', headers: { authorization: header } });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe(HttpErrorCode.TOKEN_MISSING);
    },
  );
});

describe.each(PUBLIC)('public %s', (url) => {
  it('answers without a token', async () => {
    expect((await t.inject(url, null)).statusCode).toBe(200);
  });
});

describe('refusals', () => {
  it('are counted by reason in /metrics', async () => {
    const body = (await t.inject('/metrics', null)).body;
    for (const reason of ['missing', 'expired', 'invalid', 'forbidden']) {
      expect(body).toMatch(
        new RegExp(`^botcore_status_token_refusals_total\\{[^}]*reason="${reason}"\\} [1-9]`, 'm'),
      );
    }
  });
});

describe('auth.mode none (a laptop)', () => {
  it('serves the API without a token on loopback', async () => {
    const open = await testServer({ auth: { mode: 'none' } }, { source: seededSource() });
    try {
      expect((await open.inject('/api/v1/status', null)).statusCode).toBe(200);
    } finally {
      await open.server.close();
    }
  });
});
