// The two rate limiters the work queue combines for retries, as client-go's
// default controller rate limiter does: a per-key exponential backoff (one
// failing object waits longer and longer) and a global token bucket (many
// failing objects together cannot retry faster than `qps`).
import type { Clock } from './clock.ts';

export interface BackoffOptions {
  /** Delay before the first retry of a key. */
  readonly baseDelayMs: number;
  /** Upper bound for any one key's delay. */
  readonly maxDelayMs: number;
}

export interface TokenBucketOptions {
  /** Tokens added per second. */
  readonly qps: number;
  /** Bucket size: how many retries may go at once after a quiet period. */
  readonly burst: number;
}

/** Per-key exponential backoff: base, 2·base, 4·base, ... capped at max; `forget` starts over. */
export class ExponentialBackoff {
  readonly #options: BackoffOptions;
  readonly #failures = new Map<string, number>();

  constructor(options: BackoffOptions) {
    if (!(options.baseDelayMs > 0) || !(options.maxDelayMs >= options.baseDelayMs)) {
      throw new RangeError('backoff needs 0 < baseDelayMs <= maxDelayMs');
    }
    this.#options = options;
  }

  /** The delay for this key's next retry; counts the retry. */
  next(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    // 2 ** 1024 is Infinity, so the cap also guards against overflow.
    return Math.min(this.#options.maxDelayMs, this.#options.baseDelayMs * 2 ** failures);
  }

  retries(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }
}

/**
 * A token bucket that hands out reservations: `reserve` always takes a token,
 * and returns how long the caller must wait until that token exists.
 */
export class TokenBucket {
  readonly #options: TokenBucketOptions;
  readonly #clock: Clock;
  #tokens: number;
  #updatedAt: number;

  constructor(options: TokenBucketOptions, clock: Clock) {
    if (!(options.qps > 0) || !(options.burst >= 1))
      throw new RangeError('token bucket needs qps > 0 and burst >= 1');
    this.#options = options;
    this.#clock = clock;
    this.#tokens = options.burst;
    this.#updatedAt = clock.now();
  }

  /** Takes one token; returns the wait in milliseconds before it may be used (0 when one was in the bucket). */
  reserve(): number {
    this.#refill();
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.#options.qps) * 1000);
  }

  /** Takes a token if one is in the bucket now; otherwise takes nothing. */
  tryTake(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until `tryTake` can succeed (0 when it can now). */
  msUntilToken(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.#options.qps) * 1000);
  }

  #refill(): void {
    const now = this.#clock.now();
    const elapsedSeconds = Math.max(0, now - this.#updatedAt) / 1000;
    this.#tokens = Math.min(this.#options.burst, this.#tokens + elapsedSeconds * this.#options.qps);
    this.#updatedAt = now;
  }
}
