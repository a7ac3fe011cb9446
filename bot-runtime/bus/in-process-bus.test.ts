import { describe, expect, it } from 'vitest';
import { busContract } from '../../test/runtime-faults/contract/bus-contract.ts';
import { InProcessBus } from './in-process-bus.ts';

busContract('in-process', async () => {
  const bus = new InProcessBus();
  return { bus, peer: async () => bus, close: () => bus.close() };
});

describe('InProcessBus', () => {
  it('forgets message ids once the de-dup window has passed', async () => {
    let now = 0;
    const bus = new InProcessBus({ duplicateWindowMs: 1000, now: () => now });
    expect((await bus.publishEvent('fills', 'x', 1)).duplicate).toBe(false);
    now = 999;
    expect((await bus.publishEvent('fills', 'x', 1)).duplicate).toBe(true);
    now = 1000;
    expect(await bus.publishEvent('fills', 'x', 1)).toEqual({ seq: 2, duplicate: false });
  });

  it('rejects a payload that is not JSON', async () => {
    const bus = new InProcessBus();
    await expect(bus.publishEvent('fills', 'x', undefined)).rejects.toThrow(/not JSON/);
  });

  it('drops the oldest messages past the stream limit, and consumers skip them', async () => {
    const bus = new InProcessBus({ maxMessagesPerStream: 2 });
    for (const id of ['a', 'b', 'c']) await bus.publishEvent('signals', id, id);
    const spec = { name: 'reader', maxAckPending: 5 };
    expect(await bus.unacknowledged('signals', spec)).toBe(2);
    expect((await bus.fetchEvents('signals', spec, 5, 0)).map((d) => d.id)).toEqual(['b', 'c']);
  });

  it('ignores a late ack of a delivery that was already redelivered', async () => {
    let now = 0;
    const bus = new InProcessBus({ now: () => now });
    await bus.publishEvent('fills', 'a', 1);
    const spec = { name: 'reader', ackWaitMs: 10 };
    const [first] = await bus.fetchEvents('fills', spec, 1, 0);
    now = 10;
    const [second] = await bus.fetchEvents('fills', spec, 1, 0);
    expect(second?.deliveryCount).toBe(2);
    await first?.ack();
    expect(await bus.unacknowledged('fills', spec)).toBe(1);
    await second?.ack();
    expect(await bus.unacknowledged('fills', spec)).toBe(0);
  });

  it('keeps a failing subscriber from failing the publisher or the other subscribers', async () => {
    const errors: unknown[] = [];
    const bus = new InProcessBus({ onHandlerError: (e) => errors.push(e) });
    const got: number[] = [];
    await bus.subscribeMarketData({}, () => {
      throw new Error('strategy bug');
    });
    await bus.subscribeMarketData({}, (m) => {
      got.push(m.candle.t);
    });
    const candle = { t: 7, open: 1, high: 1, low: 1, close: 1, volume: 1 };
    bus.publishMarketData({ symbol: 'ETH/BTC', timeframe: '1m', candle });
    expect(got).toEqual([7]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['strategy bug']);
  });
});
