// The public keys that verify trader tokens. They come from a mounted Secret
// (or ConfigMap): a file, or a directory with one file per key, each a PEM
// public key (`-----BEGIN PUBLIC KEY-----`) or a JWKS (`{"keys":[...]}`); or
// from an environment variable holding the same. A private key or a shared
// secret is refused: the endpoint only verifies, it must never be able to sign.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config.ts';
import type { JwtAlgorithm } from './schemas/config.ts';

export interface VerificationKey {
  /** From the JWK's `kid`, or the file name without extension for a PEM. */
  readonly kid: string | undefined;
  readonly key: KeyObject;
  /** Where it came from, for messages (never the key itself). */
  readonly origin: string;
}

export interface KeySpec {
  readonly path?: string;
  readonly env?: string;
}

export function loadVerificationKeys(
  spec: KeySpec,
  env: Readonly<Record<string, string | undefined>> = process.env,
): VerificationKey[] {
  const keys: VerificationKey[] = [];
  if (spec.path !== undefined) {
    let isDir: boolean;
    try {
      isDir = statSync(spec.path).isDirectory();
    } catch (err) {
      throw new ConfigError('auth.publicKeys.path', `cannot read ${spec.path}: ${(err as Error).message}`);
    }
    if (isDir) {
      // A Secret mount holds `..data` and timestamped folders beside the keys' links: skip dot files.
      for (const name of readdirSync(spec.path).sort()) {
        if (name.startsWith('.')) continue;
        const file = join(spec.path, name);
        if (!statSync(file).isFile()) continue;
        keys.push(...parseKeys(readFileSync(file, 'utf8'), file, stem(name), 'auth.publicKeys.path'));
      }
    } else {
      const text = readFileSync(spec.path, 'utf8');
      keys.push(...parseKeys(text, spec.path, stem(spec.path), 'auth.publicKeys.path'));
    }
  }
  if (spec.env !== undefined) {
    const text = env[spec.env];
    if (text === undefined || text.trim() === '') {
      throw new ConfigError('auth.publicKeys.env', `environment variable ${spec.env} is empty or unset`);
    }
    keys.push(...parseKeys(text, `$${spec.env}`, undefined, 'auth.publicKeys.env'));
  }
  if (keys.length === 0) throw new ConfigError('auth.publicKeys', 'no public key found');
  return keys;
}

/** Parses one PEM bundle or JWKS document into public keys. */
export function parseKeys(
  text: string,
  origin: string,
  defaultKid: string | undefined,
  configKey = 'auth.publicKeys',
): VerificationKey[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return parseJwks(trimmed, origin, configKey);
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(trimmed)) {
    throw new ConfigError(configKey, `${origin} holds a private key; mount only the public key`);
  }
  const blocks = trimmed.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g);
  if (!blocks) throw new ConfigError(configKey, `${origin} is neither a PEM public key nor a JWKS`);
  return blocks.map((pem, i) => ({
    kid: blocks.length === 1 ? defaultKid : defaultKid === undefined ? undefined : `${defaultKid}-${i}`,
    key: publicKey(() => createPublicKey(pem), origin, configKey),
    origin,
  }));
}

function parseJwks(text: string, origin: string, configKey: string): VerificationKey[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ConfigError(configKey, `${origin} is not valid JSON`);
  }
  const list = Array.isArray((doc as { keys?: unknown }).keys) ? (doc as { keys: unknown[] }).keys : [doc];
  return list.map((jwk, i) => {
    const j = jwk as Record<string, unknown>;
    if (typeof j !== 'object' || j === null)
      throw new ConfigError(configKey, `${origin}: key ${i} is not a JWK`);
    if (j.kty === 'oct')
      throw new ConfigError(configKey, `${origin}: key ${i} is a shared secret; use a public key`);
    if ('d' in j || 'p' in j) {
      throw new ConfigError(configKey, `${origin}: key ${i} is a private key; mount only the public key`);
    }
    return {
      kid: typeof j.kid === 'string' ? j.kid : undefined,
      key: publicKey(
        () => createPublicKey({ key: j as never, format: 'jwk' }),
        `${origin} key ${i}`,
        configKey,
      ),
      origin,
    };
  });
}

function publicKey(make: () => KeyObject, origin: string, configKey: string): KeyObject {
  let key: KeyObject;
  try {
    key = make();
  } catch (err) {
    throw new ConfigError(configKey, `${origin}: not a usable public key (${(err as Error).message})`);
  }
  if (!['rsa', 'rsa-pss', 'ec', 'ed25519', 'ed448'].includes(key.asymmetricKeyType ?? '')) {
    throw new ConfigError(configKey, `${origin}: unsupported key type ${key.asymmetricKeyType}`);
  }
  return key;
}

/** Whether a key can verify a JWS algorithm (so that only fitting keys are tried). */
export function keyFitsAlgorithm(key: KeyObject, alg: JwtAlgorithm): boolean {
  const type = key.asymmetricKeyType;
  if (alg.startsWith('RS')) return type === 'rsa';
  if (alg.startsWith('PS')) return type === 'rsa' || type === 'rsa-pss';
  if (alg === 'EdDSA') return type === 'ed25519' || type === 'ed448';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (alg === 'ES256') return type === 'ec' && curve === 'prime256v1';
  if (alg === 'ES384') return type === 'ec' && curve === 'secp384r1';
  if (alg === 'ES512') return type === 'ec' && curve === 'secp521r1';
  return false;
}

function stem(path: string): string {
  const base = path.split('/').pop() ?? path;
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
