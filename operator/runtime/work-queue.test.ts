import { describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from './fake-clock.ts';
import { WorkQueue, type WorkQueueOptions } from './work-queue.ts';

/** A handler whose calls stay in flight until the test finishes them. */
class ControlledHandler {
  readonly started: string[] = [];
  readonly inFlight = new Map<string, Array<{ resolve: () => void; reject: (e: unknown) => void }>>();
  maxConcurrentSameKey = 0;
  maxConcurrent = 0;

  readonly handle = (key: string): Promise<void> => {
    this.started.push(key);
    const list = this.inFlight.get(key) ?? [];
    return new Promise<void>((resolve, reject) => {
      list.push({ resolve, reject });
      this.inFlight.set(key, list);
      this.maxConcurrentSameKey = Math.max(this.maxConcurrentSameKey, list.length);
      let total = 0;
      for (const l of this.inFlight.values()) total += l.length;
      this.maxConcurrent = Math.max(this.maxConcurrent, total);
    });
  };

  async finish(key: string, error?: unknown): Promise<void> {
    const list = this.inFlight.get(key);
    const call = list?.shift();
    if (call === undefined) throw new Error(`${key} is not in flight`);
    if (list?.length === 0) this.inFlight.delete(key);
    if (error === undefined) call.resolve();
    else call.reject(error);
    await flushMicrotasks();
  }

  inFlightKeys(): string[] {
    return [...this.inFlight.keys()];
  }
}

function setup(options: Partial<WorkQueueOptions> = {}) {
  const clock = new FakeClock();
  const handler = new ControlledHandler();
  const queue = new WorkQueue({ handler: handler.handle, clock, rateLimit: false, ...options });
  return { clock, handler, queue };
}

describe('WorkQueue', () => {
  it('deduplicates a key added again while it waits in the queue', async () => {
    const { handler, queue } = setup();
    queue.add('a');
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.length).toBe(2);
    queue.run();
    await handler.finish('a');
    await handler.finish('b');
    expect(handler.started).toEqual(['a', 'b']);
    expect(queue.length).toBe(0);
  });

  it('keeps keys added before run and processes them in order once running', async () => {
    const { handler, queue } = setup({ concurrency: 3 });
    queue.add('x');
    queue.add('y');
    await flushMicrotasks();
    expect(handler.started).toEqual([]);
    queue.run();
    expect(handler.started).toEqual(['x', 'y']);
  });

  it('never processes one key twice at once, and re-queues a key that was added while processing', async () => {
    const { handler, queue } = setup({ concurrency: 4 });
    queue.run();
    queue.add('a');
    expect(handler.inFlightKeys()).toEqual(['a']);
    queue.add('a'); // dirty: changed while being processed
    queue.add('a'); // still just one pending re-run
    await flushMicrotasks();
    expect(handler.started).toEqual(['a']);
    expect(queue.length).toBe(0);
    await handler.finish('a');
    expect(handler.started).toEqual(['a', 'a']);
    await handler.finish('a');
    expect(handler.started).toEqual(['a', 'a']);
    expect(handler.maxConcurrentSameKey).toBe(1);
  });

  it('runs different keys concurrently up to the configured concurrency', async () => {
    const { handler, queue } = setup({ concurrency: 2 });
    queue.run();
    for (const k of ['a', 'b', 'c', 'd']) queue.add(k);
    expect(handler.inFlightKeys()).toEqual(['a', 'b']);
    expect(queue.length).toBe(2);
    await handler.finish('b');
    expect(handler.inFlightKeys()).toEqual(['a', 'c']);
    await handler.finish('a');
    await handler.finish('c');
    await handler.finish('d');
    expect(handler.started).toEqual(['a', 'b', 'c', 'd']);
    expect(handler.maxConcurrent).toBe(2);
  });

  it('keeps processing other keys after a handler rejects, and reports the error', async () => {
    const errors: Array<[string, unknown]> = [];
    const { handler, queue } = setup({ onHandlerError: (key, error) => errors.push([key, error]) });
    queue.run();
    queue.add('a');
    queue.add('b');
    const boom = new Error('boom');
    await handler.finish('a', boom);
    expect(errors).toEqual([['a', boom]]);
    expect(handler.inFlightKeys()).toEqual(['b']);
    expect(queue.processingCount).toBe(1);
  });

  it('addAfter adds the key once its delay has passed, and the earlier of two delays wins', async () => {
    const { clock, handler, queue } = setup();
    queue.run();
    queue.addAfter('a', 1000);
    queue.addAfter('a', 300);
    queue.addAfter('a', 5000);
    expect(queue.delayedCount).toBe(1);
    await clock.advance(299);
    expect(handler.started).toEqual([]);
    await clock.advance(1);
    expect(handler.started).toEqual(['a']);
    expect(queue.delayedCount).toBe(0);
    await handler.finish('a');
    await clock.advance(10_000);
    expect(handler.started).toEqual(['a']);
  });

  it('addAfter with no delay adds at once', () => {
    const { handler, queue } = setup();
    queue.run();
    queue.addAfter('a', 0);
    expect(handler.started).toEqual(['a']);
  });

  it('grows the per-key backoff exponentially up to its cap, and forget starts it over', () => {
    const { queue } = setup({ backoff: { baseDelayMs: 10, maxDelayMs: 100 } });
    const delays = Array.from({ length: 6 }, () => queue.addRateLimited('a'));
    expect(delays).toEqual([10, 20, 40, 80, 100, 100]);
    expect(queue.retries('a')).toBe(6);
    // Another key has its own backoff.
    expect(queue.addRateLimited('b')).toBe(10);
    queue.forget('a');
    expect(queue.retries('a')).toBe(0);
    expect(queue.addRateLimited('a')).toBe(10);
  });

  it('processes a rate-limited key only after its backoff', async () => {
    const { clock, handler, queue } = setup({ backoff: { baseDelayMs: 100, maxDelayMs: 1000 } });
    queue.run();
    queue.addRateLimited('a');
    queue.addRateLimited('a'); // 200 ms, but the pending 100 ms wins
    await clock.advance(99);
    expect(handler.started).toEqual([]);
    await clock.advance(1);
    expect(handler.started).toEqual(['a']);
  });

  it('limits retries of all keys together with a token bucket', () => {
    const { clock, queue } = setup({
      backoff: { baseDelayMs: 1, maxDelayMs: 1 },
      rateLimit: { qps: 2, burst: 3 },
    });
    // Three tokens in the bucket, then one every 500 ms.
    const delays = ['a', 'b', 'c', 'd', 'e'].map((k) => queue.addRateLimited(k));
    expect(delays).toEqual([1, 1, 1, 500, 1000]);
    return clock.advance(10_000).then(() => {
      // The bucket refilled (capped at burst): three immediate retries again.
      expect(['f', 'g', 'h', 'i'].map((k) => queue.addRateLimited(k))).toEqual([1, 1, 1, 500]);
    });
  });

  it('does not throttle plain adds with the retry token bucket', () => {
    const { handler, queue } = setup({ concurrency: 1000, rateLimit: { qps: 1, burst: 1 } });
    queue.run();
    for (let i = 0; i < 50; i++) queue.add(`k${i}`);
    expect(handler.started).toHaveLength(50);
  });

  it('limits how fast keys reach workers when a dispatch rate limit is set', async () => {
    const { clock, handler, queue } = setup({ concurrency: 10, dispatchRateLimit: { qps: 2, burst: 2 } });
    queue.run();
    for (const k of ['a', 'b', 'c', 'd', 'e']) queue.add(k);
    expect(handler.started).toEqual(['a', 'b']);
    await clock.advance(499);
    expect(handler.started).toEqual(['a', 'b']);
    await clock.advance(1);
    expect(handler.started).toEqual(['a', 'b', 'c']);
    await clock.advance(1000);
    expect(handler.started).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('reports how long each key waited ready before a worker took it', async () => {
    const waits: Array<[string, number]> = [];
    const { clock, handler, queue } = setup({ onDispatch: (key, ms) => waits.push([key, ms]) });
    queue.add('a');
    await clock.advance(300);
    queue.add('b');
    queue.run();
    expect(waits).toEqual([['a', 300]]);
    await clock.advance(50);
    await handler.finish('a');
    expect(waits).toEqual([
      ['a', 300],
      ['b', 50],
    ]);
  });

  it('pause lets in-flight keys finish, keeps queued keys and resumes with run', async () => {
    const { handler, queue } = setup();
    queue.run();
    queue.add('a');
    queue.add('b');
    let paused = false;
    const pausing = queue.pause().then(() => {
      paused = true;
    });
    await flushMicrotasks();
    expect(paused).toBe(false);
    await handler.finish('a');
    await pausing;
    expect(paused).toBe(true);
    expect(handler.started).toEqual(['a']);
    expect(queue.length).toBe(1);
    queue.run();
    expect(handler.started).toEqual(['a', 'b']);
  });

  it('shutDown drains in-flight work, drops queued and delayed keys, and refuses new ones', async () => {
    const { clock, handler, queue } = setup({ concurrency: 2 });
    queue.run();
    queue.add('a');
    queue.add('b');
    queue.add('c');
    queue.addAfter('d', 100);
    queue.add('a'); // dirty while processing: dropped by shutdown, not re-run
    let drained = false;
    const draining = queue.shutDown().then(() => {
      drained = true;
    });
    expect(queue.isShutDown).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
    queue.add('e');
    queue.addAfter('f', 10);
    expect(queue.addRateLimited('g')).toBe(0);
    await handler.finish('a');
    expect(drained).toBe(false);
    await handler.finish('b');
    await draining;
    expect(drained).toBe(true);
    expect(handler.started).toEqual(['a', 'b']);
    expect(queue.length).toBe(0);
    expect(() => queue.run()).toThrow(/shut down/);
  });

  it('shutDown resolves at once when nothing is in flight', async () => {
    const { queue } = setup();
    queue.add('a');
    await queue.shutDown();
    expect(queue.length).toBe(0);
  });

  it('rejects a concurrency below one', () => {
    expect(() => setup({ concurrency: 0 })).toThrow(RangeError);
  });
});
