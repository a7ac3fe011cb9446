import { describe, expect, it } from 'vitest';
import { InProcessBus } from '../bus/in-process-bus.ts';
import type { HotState, PriceRecord } from './hot-state.ts';
import { MemoryHotState } from './memory-hot-state.ts';
import { PriceWriter } from './price-writer.ts';

describe('PriceWriter', () => {
  it('writes only the newest price per symbol, in one call', async () => {
    const hot = new MemoryHotState();
    const calls: PriceRecord[][] = [];
    const spy = { ...hot, setPrices: async (p: readonly PriceRecord[]) => void calls.push([...p]) };
    const writer = new PriceWriter(spy as unknown as HotState);
    writer.offer({ symbol: 'ETH/BTC', price: '0.05', ts: 1 });
    writer.offer({ symbol: 'ETH/BTC', price: '0.051', ts: 2 });
    writer.offer({ symbol: 'ETH/BTC', price: '0.049', ts: 0 });
    writer.offer({ symbol: 'LTC/BTC', price: '0.016', ts: 2 });
    await writer.flush();
    expect(calls).toEqual([
      [
        { symbol: 'ETH/BTC', price: '0.051', ts: 2 },
        { symbol: 'LTC/BTC', price: '0.016', ts: 2 },
      ],
    ]);
    await writer.flush();
    expect(calls).toHaveLength(1);
  });

  it('keeps prices whose write failed for the next round, unless a newer one came', async () => {
    const hot = new MemoryHotState();
    let fail = true;
    const errors: unknown[] = [];
    const flaky = {
      setPrices: async (p: readonly PriceRecord[]) => {
        if (fail) throw new Error('redis away');
        await hot.setPrices(p);
      },
    } as unknown as HotState;
    const writer = new PriceWriter(flaky, { onError: (e) => errors.push(e) });
    writer.offer({ symbol: 'ETH/BTC', price: '0.05', ts: 1 });
    writer.offer({ symbol: 'LTC/BTC', price: '0.016', ts: 1 });
    await writer.flush();
    expect(errors).toHaveLength(1);
    expect(writer.pendingCount).toBe(2);
    writer.offer({ symbol: 'ETH/BTC', price: '0.06', ts: 2 });
    fail = false;
    await writer.flush();
    expect(writer.pendingCount).toBe(0);
    const prices = await hot.prices(['ETH/BTC', 'LTC/BTC']);
    expect(prices.get('ETH/BTC')?.price).toBe('0.06');
    expect(prices.get('LTC/BTC')?.price).toBe('0.016');
  });

  it('reports the first failed write of an outage, not every one, and the first of the next outage', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const flaky = {
      setPrices: async () => {
        if (fail) throw new Error('redis away');
      },
    } as unknown as HotState;
    const writer = new PriceWriter(flaky, { onError: (e) => errors.push(e) });
    for (let round = 0; round < 3; round++) {
      writer.offer({ symbol: 'ETH/BTC', price: '0.05', ts: round });
      await writer.flush();
    }
    expect(errors).toHaveLength(1);
    fail = false;
    writer.offer({ symbol: 'ETH/BTC', price: '0.05', ts: 3 });
    await writer.flush();
    fail = true;
    writer.offer({ symbol: 'ETH/BTC', price: '0.05', ts: 4 });
    await writer.flush();
    await writer.flush();
    expect(errors).toHaveLength(2);
  });

  it('follows the candles on the bus as decimal strings', async () => {
    const bus = new InProcessBus();
    const hot = new MemoryHotState();
    const writer = new PriceWriter(hot);
    const sub = await writer.follow(bus);
    const candle = (t: number, close: number) => ({
      t,
      open: close,
      high: close,
      low: close,
      close,
      volume: 1,
    });
    bus.publishMarketData({ symbol: 'ETH/BTC', timeframe: '1m', candle: candle(60_000, 0.1 + 0.2) });
    bus.publishMarketData({ symbol: 'ADA/BTC', timeframe: '1m', candle: candle(60_000, 0.00001234) });
    // Below 1e-6 a double's own text is in exponent form; the price never is.
    bus.publishMarketData({ symbol: 'SHIB/BTC', timeframe: '1m', candle: candle(60_000, 0.00000012) });
    await writer.stop();
    await sub.unsubscribe();
    const prices = await hot.prices(['ETH/BTC', 'ADA/BTC']);
    // The double's shortest round-trip text, never a float computation.
    expect(prices.get('ETH/BTC')).toEqual({ symbol: 'ETH/BTC', price: '0.30000000000000004', ts: 60_000 });
    expect(prices.get('ADA/BTC')?.price).toBe('0.00001234');
    expect((await hot.prices(['SHIB/BTC'])).get('SHIB/BTC')?.price).toBe('0.00000012');
  });
});
