// Property: whatever the interleaving of adds, delayed adds, retries, handler
// completions and passing time, (1) one key is never processed by two workers
// at once, (2) at most `concurrency` keys are in flight, and (3) every add is
// followed by a processing of that key that starts after it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from './fake-clock.ts';
import { WorkQueue } from './work-queue.ts';

const keys = ['a', 'b', 'c', 'd'] as const;
const keyArb = fc.constantFrom(...keys);

type Op =
  | { kind: 'add'; key: string }
  | { kind: 'addAfter'; key: string; ms: number }
  | { kind: 'addRateLimited'; key: string }
  | { kind: 'finish'; index: number; fail: boolean }
  | { kind: 'advance'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), key: keyArb }),
  fc.record({ kind: fc.constant('addAfter' as const), key: keyArb, ms: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ kind: fc.constant('addRateLimited' as const), key: keyArb }),
  fc.record({ kind: fc.constant('finish' as const), index: fc.nat(), fail: fc.boolean() }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 40 }) }),
);

interface Event {
  readonly kind: 'add' | 'start';
  readonly key: string;
}

async function runScenario(concurrency: number, ops: Op[]): Promise<void> {
  const clock = new FakeClock();
  const events: Event[] = [];
  const inFlight: Array<{ key: string; settle: (fail: boolean) => void }> = [];
  let maxInFlight = 0;
  const overlaps: string[] = [];

  // Every path into the queue (add, a fired addAfter/addRateLimited delay)
  // goes through `add`, so recording it here sees each add when it happens.
  class RecordingQueue extends WorkQueue {
    override add(key: string): void {
      events.push({ kind: 'add', key });
      super.add(key);
    }
  }
  const queue = new RecordingQueue({
    clock,
    concurrency,
    backoff: { baseDelayMs: 1, maxDelayMs: 16 },
    rateLimit: { qps: 100, burst: 2 },
    handler: (key) => {
      // Recorded, not asserted here: the queue would catch a throw from the handler.
      if (inFlight.some((f) => f.key === key)) overlaps.push(key);
      events.push({ kind: 'start', key });
      return new Promise<void>((resolve, reject) => {
        inFlight.push({ key, settle: (fail) => (fail ? reject(new Error('fail')) : resolve()) });
        maxInFlight = Math.max(maxInFlight, inFlight.length);
      });
    },
  });
  queue.run();

  for (const op of ops) {
    switch (op.kind) {
      case 'add':
        queue.add(op.key);
        break;
      case 'addAfter':
        queue.addAfter(op.key, op.ms);
        break;
      case 'addRateLimited':
        queue.addRateLimited(op.key);
        break;
      case 'finish': {
        if (inFlight.length === 0) break;
        const [call] = inFlight.splice(op.index % inFlight.length, 1);
        call?.settle(op.fail);
        break;
      }
      case 'advance':
        await clock.advance(op.ms);
        break;
    }
    await flushMicrotasks();
  }

  // Drain: finish everything in flight and let every timer fire, until quiet.
  for (let guard = 0; guard < 10_000; guard++) {
    if (inFlight.length > 0) {
      inFlight.shift()?.settle(false);
      await flushMicrotasks();
    } else if (!(await clock.runNext())) {
      break;
    }
  }
  expect(inFlight).toHaveLength(0);
  expect(queue.length).toBe(0);
  expect(queue.delayedCount).toBe(0);
  expect(maxInFlight).toBeLessThanOrEqual(concurrency);
  expect(overlaps, 'keys processed twice at once').toEqual([]);

  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.kind !== 'add') continue;
    const laterStart = events.slice(i + 1).some((e) => e.kind === 'start' && e.key === event.key);
    expect(laterStart, `add of ${event.key} at event ${i} was never processed`).toBe(true);
  }
}

describe('WorkQueue properties', () => {
  it('never runs one key twice at once and eventually processes every added key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(opArb, { maxLength: 60 }),
        (concurrency, ops) => runScenario(concurrency, ops),
      ),
      { numRuns: 200 },
    );
  });
});
