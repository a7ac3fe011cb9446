import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.ts';
import { ExponentialBackoff, TokenBucket } from './rate-limit.ts';

describe('ExponentialBackoff', () => {
  it('gives base·2^n capped at max, never decreasing, per key, until forgotten', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(fc.constantFrom('a', 'b', 'forget a'), { maxLength: 80 }),
        (base, extra, ops) => {
          const max = base + extra;
          const backoff = new ExponentialBackoff({ baseDelayMs: base, maxDelayMs: max });
          const model = new Map<string, number>();
          let lastA = 0;
          for (const op of ops) {
            if (op === 'forget a') {
              backoff.forget('a');
              model.delete('a');
              lastA = 0;
              continue;
            }
            const n = model.get(op) ?? 0;
            const delay = backoff.next(op);
            expect(delay).toBe(Math.min(max, base * 2 ** n));
            expect(delay).toBeLessThanOrEqual(max);
            model.set(op, n + 1);
            if (op === 'a') {
              expect(delay).toBeGreaterThanOrEqual(lastA);
              lastA = delay;
            }
            expect(backoff.retries(op)).toBe(n + 1);
          }
        },
      ),
    );
  });

  it('rejects a base above the cap', () => {
    expect(() => new ExponentialBackoff({ baseDelayMs: 10, maxDelayMs: 5 })).toThrow(RangeError);
  });
});

describe('TokenBucket', () => {
  it('never grants more than burst + qps·elapsed tokens', () => {
    fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2000 })), { maxLength: 100 }),
        async (qps, burst, steps) => {
          const clock = new FakeClock();
          const bucket = new TokenBucket({ qps, burst }, clock);
          const start = clock.now();
          let granted = 0;
          for (const step of steps) {
            if (step === 0) {
              if (bucket.tryTake()) granted++;
            } else {
              await clock.advance(step);
            }
            const elapsed = (clock.now() - start) / 1000;
            expect(granted).toBeLessThanOrEqual(burst + qps * elapsed + 1e-9);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('says how long until the next token, and that token is then available', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ qps: 4, burst: 1 }, clock);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.msUntilToken()).toBe(250);
    await clock.advance(249);
    expect(bucket.tryTake()).toBe(false);
    await clock.advance(1);
    expect(bucket.tryTake()).toBe(true);
  });
});
