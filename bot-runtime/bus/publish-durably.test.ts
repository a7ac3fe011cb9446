import { describe, expect, it } from 'vitest';
import type { Bus } from './bus.ts';
import { InProcessBus } from './in-process-bus.ts';
import { publishDurably } from './publish-durably.ts';

describe('publishDurably', () => {
  it('retries through failures and stores the event once', async () => {
    const bus = new InProcessBus();
    let failures = 2;
    const flaky = new Proxy(bus, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (key !== 'publishEvent') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: Parameters<Bus['publishEvent']>) => {
          // The second failure loses the confirmation of a publish that did reach the stream.
          if (failures === 1) await target.publishEvent(...args);
          if (failures-- > 0) throw new Error('server away');
          return target.publishEvent(...args);
        };
      },
    }) as Bus;
    const retries: number[] = [];
    const ack = await publishDurably(
      flaky,
      'fills',
      'f-1',
      { n: 1 },
      {
        retryDelayMs: 1,
        onRetry: (_e, attempt) => retries.push(attempt),
      },
    );
    expect(retries).toEqual([1, 2]);
    expect(ack).toEqual({ seq: 1, duplicate: true });
    expect(await bus.unacknowledged('fills', { name: 'reader' })).toBe(1);
  });

  it('stops when aborted', async () => {
    const broken = { publishEvent: async () => Promise.reject(new Error('down')) } as unknown as Bus;
    const controller = new AbortController();
    const pending = publishDurably(broken, 'fills', 'f', 1, { retryDelayMs: 1, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
  });
});
