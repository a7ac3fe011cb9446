import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fakeIssuer, TEST_AUDIENCE, TEST_ISSUER } from './fake-tokens.ts';
import { scopesCoverBot } from './scopes.ts';
import { TokenError, TokenVerifier, type TokenVerifierOptions } from './token-verifier.ts';

const NOW = Date.UTC(2026, 10, 21, 6, 0, 0);
const es = fakeIssuer('ES256', 'es-1');
const ed = fakeIssuer('EdDSA', 'ed-1');
const rs = fakeIssuer('RS256', 'rs-1');

function verifier(overrides: Partial<TokenVerifierOptions> = {}, clock = { now: NOW }) {
  return new TokenVerifier({
    keys: [es.verificationKey, ed.verificationKey, rs.verificationKey],
    audience: TEST_AUDIENCE,
    issuers: [TEST_ISSUER],
    algorithms: ['ES256', 'EdDSA', 'RS256'],
    clockToleranceSeconds: 30,
    maxTokenLifetimeSeconds: 86_400,
    cacheSize: 100,
    now: () => clock.now,
    ...overrides,
  });
}

async function failure(v: TokenVerifier, token: string): Promise<string> {
  try {
    await v.verify(token);
  } catch (err) {
    expect(err).toBeInstanceOf(TokenError);
    return (err as TokenError).failure;
  }
  throw new Error('the token was accepted');
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const sec = (ms: number) => Math.floor(ms / 1000);

describe('TokenVerifier', () => {
  it.each([es, ed, rs])('accepts a $alg token and returns its claims', async (issuer) => {
    const token = await issuer.sign({ sub: 'alice', bots: ['desk-a/eth-btc'] }, { now: NOW });
    expect(await verifier().verify(token)).toEqual({
      sub: 'alice',
      bots: ['desk-a/eth-btc'],
      exp: sec(NOW) + 3600,
      iss: TEST_ISSUER,
    });
  });

  it('finds the key without a kid (a rotation) by trying the keys that fit the algorithm', async () => {
    const other = fakeIssuer('ES256', 'es-old');
    const v = verifier({ keys: [other.verificationKey, { ...es.verificationKey, kid: undefined }] });
    const token = await es.sign({}, { now: NOW, header: { kid: undefined } });
    expect((await v.verify(token)).sub).toBe('trader-1');
  });

  it('says expired for an expired token, also within the cache', async () => {
    const clock = { now: NOW };
    const v = verifier({}, clock);
    expect(await failure(v, await es.sign({ exp: sec(NOW) - 60 }, { now: NOW - 3_600_000 }))).toBe('expired');
    const token = await es.sign({ exp: sec(NOW) + 10 }, { now: NOW });
    await v.verify(token);
    expect(v.cacheSize).toBe(1);
    clock.now = NOW + 41_000; // past exp + 30 s of tolerance
    expect(await failure(v, token)).toBe('expired');
    expect(v.cacheSize).toBe(0);
  });

  it.each([
    ['another audience', { aud: 'someone-else' }],
    ['another issuer', { iss: 'https://evil.example' }],
    ['no sub', { sub: undefined }],
    ['no exp', { exp: undefined }],
    ['a lifetime past the maximum', { exp: sec(NOW) + 90 * 86_400 }],
    ['not yet valid', { nbf: sec(NOW) + 600 }],
    ['bots that are not strings', { bots: [1, 2] }],
  ])('refuses a token with %s', async (_name, claims) => {
    expect(await failure(verifier(), await es.sign(claims, { now: NOW }))).toBe('invalid');
  });

  it('refuses a forged signature, a key it does not hold, and garbage', async () => {
    const token = await es.sign({}, { now: NOW });
    const [h, p] = token.split('.');
    const forgedPayload = `${h}.${b64({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), bots: ['desk-b/*'] })}.${token.split('.')[2]}`;
    expect(await failure(verifier(), forgedPayload)).toBe('invalid');
    const stranger = fakeIssuer('ES256', 'es-1'); // same kid, other key
    expect(await failure(verifier(), await stranger.sign({}, { now: NOW }))).toBe('invalid');
    expect(await failure(verifier(), 'not.a.jwt')).toBe('invalid');
    expect(await failure(verifier(), 'x'.repeat(9000))).toBe('invalid');
  });

  it('refuses alg none and HMAC signed with the public key (algorithm confusion)', async () => {
    const payload = b64({
      sub: 'mallory',
      bots: ['desk-a/eth-btc'],
      aud: TEST_AUDIENCE,
      iss: TEST_ISSUER,
      exp: sec(NOW) + 60,
    });
    expect(await failure(verifier(), `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`)).toBe('invalid');
    const pem = rs.publicKey.export({ type: 'spki', format: 'pem' });
    const head = b64({ alg: 'HS256', typ: 'JWT', kid: 'rs-1' });
    const mac = createHmac('sha256', pem).update(`${head}.${payload}`).digest('base64url');
    expect(await failure(verifier(), `${head}.${payload}.${mac}`)).toBe('invalid');
  });

  it('refuses an algorithm the configuration does not allow, even with a good signature', async () => {
    const token = await rs.sign({}, { now: NOW });
    expect(await failure(verifier({ algorithms: ['ES256'] }), token)).toBe('invalid');
  });

  it('remembers only tokens that passed, and at most cacheSize of them', async () => {
    const v = verifier({ cacheSize: 2 });
    await failure(v, await es.sign({ aud: 'x' }, { now: NOW }));
    expect(v.cacheSize).toBe(0);
    for (const sub of ['a', 'b', 'c']) await v.verify(await es.sign({ sub }, { now: NOW }));
    expect(v.cacheSize).toBe(2);
  });
});

describe('scopesCoverBot', () => {
  const bot = { namespace: 'desk-a', name: 'eth-btc' };
  it.each([
    [['desk-a/eth-btc'], true],
    [['desk-a/*'], true],
    [['desk-b/eth-btc', 'desk-a/eth-btc'], true],
    [['desk-a/eth-btc-2'], false],
    [['desk-a/eth'], false],
    [['desk-b/*'], false],
    [['*'], false],
    [['*/*'], false],
    [['eth-btc'], false],
    [[], false],
  ])('%j covers desk-a/eth-btc: %s', (scopes, expected) => {
    expect(scopesCoverBot(scopes, bot)).toBe(expected);
  });
});
