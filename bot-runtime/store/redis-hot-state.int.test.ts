// The HotState contract on the real Redis, plus its keys and TTLs.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hotStateContract } from '../../test/runtime-faults/contract/hot-state-contract.ts';
import { RedisHotState } from './redis-hot-state.ts';

const url = () => {
  const value = process.env.REDIS_URL;
  if (!value) throw new Error('REDIS_URL is not set: run through the integration project');
  return value;
};

async function open(options: { priceTtlMs?: number; stateTtlMs?: number } = {}) {
  const address = { namespace: 'contract', bot: `hot-${randomBytes(4).toString('hex')}` };
  const hot = new RedisHotState({ url: url(), address, ...options });
  await hot.ready();
  return { hot, address };
}

hotStateContract('Redis', async (options) => {
  const { hot } = await open(options);
  return {
    hot,
    close: async () => {
      await hot.clear();
      await hot.close();
    },
  };
});

describe('RedisHotState keys', () => {
  it('puts each bot under its own prefix, with TTLs on prices and state', async () => {
    const { hot, address } = await open({ priceTtlMs: 60_000, stateTtlMs: 3_600_000 });
    try {
      const prefix = `botcore:${address.namespace}:${address.bot}`;
      await hot.setPrices([{ symbol: 'ETHBTC', price: '0.05', ts: 1 }]);
      await hot.setPositions([
        {
          symbol: 'ETHBTC',
          quote: 'BTC',
          quantity: '1',
          averagePrice: '0.05',
          realizedPnl: '0',
          boughtQuantity: '1',
          soldQuantity: '0',
          fillCount: 1,
          fillSeq: 1,
          ts: 1,
        },
      ]);
      await hot.setRiskState({ state: 'Active', ts: 1 });
      expect((await hot.redis.keys(`${prefix}:*`)).sort()).toEqual([
        `${prefix}:positions`,
        `${prefix}:price:ETHBTC`,
        `${prefix}:risk`,
      ]);
      const priceTtl = await hot.redis.pttl(`${prefix}:price:ETHBTC`);
      expect(priceTtl).toBeGreaterThan(0);
      expect(priceTtl).toBeLessThanOrEqual(60_000);
      const positionsTtl = await hot.redis.pttl(`${prefix}:positions`);
      expect(positionsTtl).toBeGreaterThan(60_000);
      expect(positionsTtl).toBeLessThanOrEqual(3_600_000);
    } finally {
      await hot.clear();
      await hot.close();
    }
  });
});
