// Test support (kept out of the build by its name): an issuer of trader
// tokens with real asymmetric keys, and a ready configuration, so tests sign
// tokens the way the platform would and the server verifies them for real.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { parseStatusServerConfig, type StatusServerConfig } from './config.ts';
import type { VerificationKey } from './keys.ts';
import type { JwtAlgorithm } from './schemas/config.ts';

export const TEST_AUDIENCE = 'botcore-status';
export const TEST_ISSUER = 'https://auth.botcore.test';
export const TEST_BOT = { namespace: 'desk-a', name: 'eth-btc' } as const;

export interface FakeIssuer {
  readonly alg: JwtAlgorithm;
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly verificationKey: VerificationKey;
  /** Signs a token; claims default to a trader scoped to TEST_BOT, valid for an hour from `now`. */
  sign(
    claims?: Partial<TokenClaims>,
    options?: { now?: number; header?: Record<string, unknown> },
  ): Promise<string>;
}

export interface TokenClaims {
  sub: string;
  bots: unknown;
  aud: string;
  iss: string;
  /** Epoch seconds. */
  exp: number;
  iat: number;
  nbf: number;
}

export function fakeIssuer(alg: JwtAlgorithm = 'ES256', kid = `test-${alg.toLowerCase()}`): FakeIssuer {
  const pair =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg.startsWith('ES')
        ? generateKeyPairSync('ec', {
            namedCurve: alg === 'ES256' ? 'prime256v1' : alg === 'ES384' ? 'secp384r1' : 'secp521r1',
          })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    alg,
    kid,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    verificationKey: { kid, key: pair.publicKey, origin: `fake ${alg}` },
    async sign(claims = {}, options = {}) {
      const now = Math.floor((options.now ?? Date.now()) / 1000);
      const body: Record<string, unknown> = {
        sub: 'trader-1',
        bots: [`${TEST_BOT.namespace}/${TEST_BOT.name}`],
        aud: TEST_AUDIENCE,
        iss: TEST_ISSUER,
        iat: now,
        exp: now + 3600,
        ...claims,
      };
      for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
      return new SignJWT(body)
        .setProtectedHeader({ alg, kid, typ: 'JWT', ...(options.header ?? {}) })
        .sign(pair.privateKey);
    },
  };
}

/** A valid jwt-mode configuration for TEST_BOT, with overrides merged one level deep. */
export function testConfig(overrides: Record<string, unknown> = {}): StatusServerConfig {
  const base: Record<string, unknown> = {
    bot: { ...TEST_BOT },
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    auth: {
      mode: 'jwt',
      audience: TEST_AUDIENCE,
      issuers: [TEST_ISSUER],
      publicKeys: { env: 'UNUSED_KEYS_ARE_PASSED_IN' },
    },
  };
  for (const [k, v] of Object.entries(overrides)) {
    const cur = base[k];
    base[k] =
      typeof cur === 'object' && cur !== null && typeof v === 'object' && v !== null && !Array.isArray(v)
        ? { ...cur, ...v }
        : v;
  }
  return parseStatusServerConfig(base);
}
