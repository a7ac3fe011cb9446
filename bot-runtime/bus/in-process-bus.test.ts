import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { busContract } from '../../test/runtime-faults/contract/bus-contract.ts';
import { InProcessBus, jsonCopy, NOT_PLAIN } from './in-process-bus.ts';

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

  it('delivers what the wire would: a copy made at publish, and a fresh one per delivery', async () => {
    const bus = new InProcessBus();
    const payload = { n: 1, nested: { list: [1, -0, undefined] as unknown[] }, gone: undefined };
    await bus.publishEvent('signals', 'a', payload);
    payload.n = 2;
    payload.nested.list.push(9);
    const spec = { name: 'reader', ackWaitMs: 0 };
    const [first] = await bus.fetchEvents<typeof payload>('signals', spec, 1, 0);
    expect(first?.payload).toStrictEqual({ n: 1, nested: { list: [1, 0, null] } });
    first!.payload.nested.list.length = 0;
    const [again] = await bus.fetchEvents<typeof payload>('signals', spec, 1, 0);
    expect(again?.deliveryCount).toBe(2);
    expect(again?.payload).toStrictEqual({ n: 1, nested: { list: [1, 0, null] } });
  });

  it('turns what is not plain data into what JSON makes of it (a Map, a Date, an object with toJSON)', async () => {
    const bus = new InProcessBus();
    const at = new Date(0);
    await bus.publishEvent('signals', 'a', { map: new Map([[1, 2]]), at, price: { toJSON: () => '0.1' } });
    const [d] = await bus.fetchEvents('signals', { name: 'reader' }, 1, 0);
    expect(d?.payload).toStrictEqual({ map: {}, at: at.toISOString(), price: '0.1' });
  });
});

describe('jsonCopy', () => {
  const viaJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

  it('equals a JSON round trip for any value it copies, keys in the same order', () => {
    const values = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withNullPrototype: true,
      withObjectString: true,
      withSet: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    });
    fc.assert(
      fc.property(values, (v) => {
        const copy = jsonCopy(v);
        if (copy === NOT_PLAIN) return;
        expect(copy).toStrictEqual(viaJson(v));
        expect(JSON.stringify(copy)).toBe(JSON.stringify(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('copies JSON values themselves, -0 as 0 (only a "__proto__" key is left to JSON)', () => {
    const hasProtoKey = (v: unknown): boolean =>
      typeof v === 'object' &&
      v !== null &&
      (Object.hasOwn(v, '__proto__') || Object.values(v).some(hasProtoKey));
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const copy = jsonCopy(v);
        if (copy === NOT_PLAIN) expect(hasProtoKey(v)).toBe(true);
        else expect(copy).toStrictEqual(viaJson(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves to JSON what only JSON can decide', () => {
    for (const v of [undefined, Number.NaN, 1n, new Date(0), new Map(), { toJSON: () => 1 }, () => 1]) {
      expect(jsonCopy(v)).toBe(NOT_PLAIN);
    }
    expect(jsonCopy(JSON.parse('{"__proto__":{"a":1}}'))).toBe(NOT_PLAIN);
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(jsonCopy(deep)).toBe(NOT_PLAIN);
  });
});
