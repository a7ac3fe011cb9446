import { describe, expect, it } from 'vitest';
import { hotStateContract } from '../../test/runtime-faults/contract/hot-state-contract.ts';
import { MemoryHotState } from './memory-hot-state.ts';

hotStateContract('memory', async (options) => ({ hot: new MemoryHotState(options), close: async () => {} }));

describe('MemoryHotState', () => {
  it('expires a price exactly at its TTL on the given clock', async () => {
    let now = 0;
    const hot = new MemoryHotState({ priceTtlMs: 100, now: () => now });
    await hot.setPrices([{ symbol: 'ETHBTC', price: '1', ts: 0 }]);
    now = 99;
    expect((await hot.prices(['ETHBTC'])).size).toBe(1);
    now = 100;
    expect((await hot.prices(['ETHBTC'])).size).toBe(0);
  });
});
