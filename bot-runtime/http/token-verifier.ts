// Verifies trader tokens: JWTs signed with an asymmetric key (RS*, PS*, ES*,
// EdDSA), with `sub`, `exp`, the configured `aud` and one of the configured
// `iss`, and a `bots` claim listing the bots the trader may watch.
//
// The cryptography is jose's (maintained, dependency-free, strict about
// algorithms: `none` and HMAC can never be chosen by a token's header).
// Verifying a signature costs tens of microseconds, which a status endpoint
// answering tens of thousands of requests a second cannot pay on each one, so
// a verified token is remembered (by its exact text) until it expires; only a
// token that passed every check is remembered.
import type { KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { keyFitsAlgorithm, type VerificationKey } from './keys.ts';
import { JWT_ALGORITHMS, type JwtAlgorithm } from './schemas/config.ts';

export interface TraderClaims {
  /** The trader. */
  readonly sub: string;
  /** `namespace/name` or `namespace/*` entries. */
  readonly bots: readonly string[];
  /** Expiry, epoch seconds. */
  readonly exp: number;
  readonly iss: string;
}

export type TokenFailure = 'invalid' | 'expired';

/** Why a token was refused. `detail` is for the server log; clients only learn the failure kind. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  readonly failure: TokenFailure;
  constructor(failure: TokenFailure, detail: string) {
    super(detail);
    this.failure = failure;
  }
}

export interface TokenVerifierOptions {
  readonly keys: readonly VerificationKey[];
  readonly audience: string;
  readonly issuers: readonly string[];
  readonly algorithms: readonly JwtAlgorithm[];
  readonly clockToleranceSeconds: number;
  /** A token whose expiry lies further ahead than this is refused. */
  readonly maxTokenLifetimeSeconds: number;
  /** Verified tokens remembered; 0 verifies every time. */
  readonly cacheSize: number;
  /** Epoch ms. */
  readonly now?: () => number;
}

const MAX_TOKEN_LENGTH = 8192;
const MAX_SCOPES = 1000;

export class TokenVerifier {
  readonly #options: TokenVerifierOptions;
  readonly #now: () => number;
  readonly #cache = new Map<string, TraderClaims>();

  constructor(options: TokenVerifierOptions) {
    for (const a of options.algorithms) {
      if (!JWT_ALGORITHMS.includes(a)) throw new RangeError(`unsupported algorithm ${a}`);
    }
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The claims of a token verified before and not expired since; undefined when it was not
   * verified before. Throws TokenError('expired') for a remembered token that has expired.
   */
  cached(token: string): TraderClaims | undefined {
    const claims = this.#cache.get(token);
    if (claims && this.#expired(claims.exp)) {
      this.#cache.delete(token);
      throw new TokenError('expired', 'token expired');
    }
    return claims;
  }

  async verify(token: string): Promise<TraderClaims> {
    const cached = this.cached(token);
    if (cached) return cached;
    const claims = await this.#verifyFully(token);
    if (this.#options.cacheSize > 0) {
      if (this.#cache.size >= this.#options.cacheSize) {
        // Oldest first: a Map iterates in insertion order.
        const oldest = this.#cache.keys().next().value;
        if (oldest !== undefined) this.#cache.delete(oldest);
      }
      this.#cache.set(token, claims);
    }
    return claims;
  }

  #expired(exp: number): boolean {
    return this.#now() >= (exp + this.#options.clockToleranceSeconds) * 1000;
  }

  async #verifyFully(token: string): Promise<TraderClaims> {
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenError('invalid', 'token too long');
    let header: { alg?: unknown; kid?: unknown };
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new TokenError('invalid', 'malformed token');
    }
    const alg = header.alg as JwtAlgorithm;
    if (typeof header.alg !== 'string' || !this.#options.algorithms.includes(alg)) {
      throw new TokenError('invalid', `algorithm ${String(header.alg)} not allowed`);
    }
    const candidates = this.#candidates(alg, header.kid);
    if (candidates.length === 0)
      throw new TokenError('invalid', `no key for kid ${String(header.kid)} and ${alg}`);
    let lastFailure: unknown;
    for (const key of candidates) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [alg],
          audience: this.#options.audience,
          issuer: [...this.#options.issuers],
          clockTolerance: this.#options.clockToleranceSeconds,
          currentDate: new Date(this.#now()),
          requiredClaims: ['exp', 'sub', 'aud', 'iss'],
        });
        return this.#claims(payload);
      } catch (err) {
        if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
          lastFailure = err;
          continue; // another key (a rotation) may have signed it
        }
        if (err instanceof joseErrors.JWTExpired) throw new TokenError('expired', 'token expired');
        if (err instanceof TokenError) throw err;
        throw new TokenError('invalid', describe(err));
      }
    }
    throw new TokenError('invalid', describe(lastFailure));
  }

  #candidates(alg: JwtAlgorithm, kid: unknown): KeyObject[] {
    const fitting = this.#options.keys.filter((k) => keyFitsAlgorithm(k.key, alg));
    if (typeof kid === 'string') {
      const named = fitting.filter((k) => k.kid === kid);
      if (named.length > 0) return named.map((k) => k.key);
      // A kid we do not know: try the keys that carry no kid of their own.
      return fitting.filter((k) => k.kid === undefined).map((k) => k.key);
    }
    return fitting.map((k) => k.key);
  }

  #claims(payload: Record<string, unknown>): TraderClaims {
    const { sub, exp, iss, bots } = payload;
    if (typeof sub !== 'string' || sub === '')
      throw new TokenError('invalid', 'sub must be a non-empty string');
    if (typeof exp !== 'number') throw new TokenError('invalid', 'exp must be a number');
    if (typeof iss !== 'string') throw new TokenError('invalid', 'iss must be a string');
    const lifetime = exp - this.#now() / 1000;
    if (lifetime > this.#options.maxTokenLifetimeSeconds + this.#options.clockToleranceSeconds) {
      throw new TokenError('invalid', `token lives ${Math.round(lifetime)} s, longer than allowed`);
    }
    let scopes: string[] = [];
    if (bots !== undefined) {
      if (!Array.isArray(bots) || bots.length > MAX_SCOPES || !bots.every((b) => typeof b === 'string')) {
        throw new TokenError('invalid', 'bots must be a list of namespace/name strings');
      }
      scopes = bots as string[];
    }
    return { sub, exp, iss, bots: scopes };
  }

  /** Verified tokens remembered now. */
  get cacheSize(): number {
    return this.#cache.size;
  }
}

function describe(err: unknown): string {
  if (err instanceof joseErrors.JOSEError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
