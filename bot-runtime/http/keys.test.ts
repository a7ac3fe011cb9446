import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.ts';
import { keyFitsAlgorithm, loadVerificationKeys, parseKeys } from './keys.ts';

const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (k: typeof ec.publicKey) => k.export({ type: 'spki', format: 'pem' }).toString();

describe('loadVerificationKeys', () => {
  it('reads a Secret mount: one key per file, skipping the ..data links', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    // What the kubelet writes: a timestamped folder, ..data pointing at it, and links to each key.
    const stamp = join(dir, '..2026_11_21_05_00_00.000000000');
    mkdirSync(stamp);
    writeFileSync(join(stamp, 'ec-2026.pem'), pem(ec.publicKey));
    writeFileSync(
      join(stamp, 'jwks.json'),
      JSON.stringify({ keys: [{ ...ed.publicKey.export({ format: 'jwk' }), kid: 'ed-1' }] }),
    );
    symlinkSync(stamp, join(dir, '..data'));
    symlinkSync(join('..data', 'ec-2026.pem'), join(dir, 'ec-2026.pem'));
    symlinkSync(join('..data', 'jwks.json'), join(dir, 'jwks.json'));
    const keys = loadVerificationKeys({ path: dir });
    expect(keys.map((k) => [k.kid, k.key.asymmetricKeyType])).toEqual([
      ['ec-2026', 'ec'],
      ['ed-1', 'ed25519'],
    ]);
  });

  it('reads a key from an environment variable', () => {
    const keys = loadVerificationKeys({ env: 'STATUS_KEYS' }, { STATUS_KEYS: pem(rsa.publicKey) });
    expect(keys).toHaveLength(1);
    expect(keys[0]?.key.asymmetricKeyType).toBe('rsa');
    expect(() => loadVerificationKeys({ env: 'STATUS_KEYS' }, {})).toThrow(/auth\.publicKeys\.env/);
  });

  it('refuses a private key, naming the config key', () => {
    const text = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => parseKeys(text, 'key.pem', 'k')).toThrow(ConfigError);
    expect(() => parseKeys(text, 'key.pem', 'k')).toThrow(/private key/);
    const jwk = JSON.stringify(ec.privateKey.export({ format: 'jwk' }));
    expect(() => parseKeys(jwk, 'key.json', 'k')).toThrow(/private key/);
  });

  it('refuses a shared secret and garbage', () => {
    expect(() => parseKeys(JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }), 'k.json', 'k')).toThrow(
      /shared secret/,
    );
    expect(() => parseKeys('hello', 'k.txt', 'k')).toThrow(/neither a PEM/);
    expect(() => loadVerificationKeys({ path: '/nonexistent/keys' })).toThrow(/auth\.publicKeys\.path/);
  });

  it('matches keys to algorithms by type and curve', () => {
    expect(keyFitsAlgorithm(ec.publicKey, 'ES256')).toBe(true);
    expect(keyFitsAlgorithm(ec.publicKey, 'ES384')).toBe(false);
    expect(keyFitsAlgorithm(ec.publicKey, 'RS256')).toBe(false);
    expect(keyFitsAlgorithm(ed.publicKey, 'EdDSA')).toBe(true);
    expect(keyFitsAlgorithm(rsa.publicKey, 'RS256')).toBe(true);
    expect(keyFitsAlgorithm(rsa.publicKey, 'PS256')).toBe(true);
    expect(keyFitsAlgorithm(rsa.publicKey, 'EdDSA')).toBe(false);
  });
});
