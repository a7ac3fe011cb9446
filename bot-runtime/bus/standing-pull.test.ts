// StandingPull's own bookkeeping, on a consumer that only counts the pulls
// opened on it (the server side is in nats-bus.int.test.ts).
import type { Consumer, ConsumerMessages } from 'nats';
import { describe, expect, it } from 'vitest';
import { StandingPull } from './standing-pull.ts';

/** A consumer whose pulls deliver nothing and stay open until closed. */
function countingConsumer() {
  const count = { opened: 0, open: 0 };
  const consumer = {
    async consume() {
      count.opened++;
      count.open++;
      let end = () => {};
      const ended = new Promise<null>((resolve) => {
        end = () => resolve(null);
      });
      await Promise.resolve();
      return {
        status: async () => (async function* () {})(),
        closed: () => ended,
        close: async () => {
          count.open--;
          end();
        },
      } as unknown as ConsumerMessages;
    },
  } as unknown as Consumer;
  return { consumer, count };
}

describe('StandingPull', () => {
  it('opens one pull for takes that overlap, so closing it leaves none behind', async () => {
    const { consumer, count } = countingConsumer();
    const pull = new StandingPull(consumer, { name: 'SIGNALS/executor-signals', maxMessages: 8 });
    await Promise.all([pull.take(8, 10), pull.take(8, 10)]);
    expect(count.opened).toBe(1);
    await pull.close();
    expect(count.open).toBe(0);
  });

  it('keeps its pull open while a take waits, whatever the takes before it overlapped', async () => {
    const { consumer, count } = countingConsumer();
    const pull = new StandingPull(consumer, { name: 'SIGNALS/executor-signals', maxMessages: 8, idleMs: 20 });
    await Promise.all([pull.take(8, 5), pull.take(8, 5)]);
    const waiting = pull.take(8, 1000);
    // Past the idle time of the takes before: only a timer left behind by them could close the pull now.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(count.open).toBe(1);
    await pull.close();
    await waiting;
  });
});
