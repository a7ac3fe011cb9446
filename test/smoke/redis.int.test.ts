// Redis is real and usable from ioredis: strings with expiry, hashes, and
// atomic transactions.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('Redis', () => {
  let redis: Redis;
  const prefix = `smoke:${randomBytes(3).toString('hex')}`;

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL as string, { lazyConnect: false, maxRetriesPerRequest: 2 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('round-trips a value with an expiry', async () => {
    await redis.set(`${prefix}:price`, '0.0994766', 'EX', 60);
    expect(await redis.get(`${prefix}:price`)).toBe('0.0994766');
    const ttl = await redis.ttl(`${prefix}:price`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('stores hashes and applies a MULTI transaction atomically', async () => {
    const key = `${prefix}:position:ETH-BTC`;
    const results = await redis
      .multi()
      .hset(key, { quantity: '1.5', entry: '0.0984' })
      .hincrbyfloat(key, 'fills', 2)
      .exec();
    expect(results?.every(([error]) => error === null)).toBe(true);
    expect(await redis.hgetall(key)).toEqual({ quantity: '1.5', entry: '0.0984', fills: '2' });
  });
});
