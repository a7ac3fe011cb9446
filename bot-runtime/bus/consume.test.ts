import { describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/eventually.ts';
import type { Bus } from './bus.ts';
import { consumeEvents } from './consume.ts';
import { InProcessBus } from './in-process-bus.ts';

describe('consumeEvents', () => {
  it('acks what the handler took, and brings back what it threw on before anything later', async () => {
    const bus = new InProcessBus();
    for (const n of [1, 2, 3]) await bus.publishEvent('fills', `f-${n}`, { n });
    const attempts: number[] = [];
    const errors: unknown[] = [];
    let failOnce = true;
    const running = consumeEvents<{ n: number }>(
      bus,
      'fills',
      { name: 'executor-ledger' },
      async (d) => {
        attempts.push(d.payload.n);
        if (d.payload.n === 2 && failOnce) {
          failOnce = false;
          throw new Error('mongodb away');
        }
      },
      { retryDelayMs: 1, onError: (e) => errors.push(e) },
    );
    await eventually(() => (attempts.length === 4 ? true : undefined), 'four attempts');
    await running.unsubscribe();
    expect(attempts).toEqual([1, 2, 2, 3]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['mongodb away']);
    expect(await bus.unacknowledged('fills', { name: 'executor-ledger' })).toBe(0);
  });

  it('keeps fetching after the bus fails, and stops when unsubscribed', async () => {
    const bus = new InProcessBus();
    await bus.publishEvent('fills', 'f-1', { n: 1 });
    let failures = 3;
    const flaky = new Proxy(bus, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          key === 'fetchEvents' && failures-- > 0
            ? Promise.reject(new Error('nats reconnecting'))
            : value.apply(target, args);
      },
    }) as Bus;
    const seen: number[] = [];
    const errors: string[] = [];
    const running = consumeEvents<{ n: number }>(
      flaky,
      'fills',
      { name: 'reader' },
      async (d) => {
        seen.push(d.payload.n);
      },
      { retryDelayMs: 1, waitMs: 10, onError: (e) => errors.push((e as Error).message) },
    );
    await eventually(() => seen[0], 'the delivery');
    await running.unsubscribe();
    expect(errors).toEqual(['nats reconnecting', 'nats reconnecting', 'nats reconnecting']);
    await bus.publishEvent('fills', 'f-2', { n: 2 });
    await running.stopped;
    expect(seen).toEqual([1]);
  });
});
