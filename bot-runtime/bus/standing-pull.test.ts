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

/** A consumer whose pull delivers `pending + 1` messages, the first at once and the others a few ms apart. */
function deliveringConsumer(pending: number) {
  const consumer = {
    async consume(options: { callback: (m: unknown) => void }) {
      for (let i = 0; i <= pending; i++) {
        const m = { seq: i + 1, info: { pending: pending - i }, nak: () => {} };
        if (i === 0) queueMicrotask(() => options.callback(m));
        else setTimeout(() => options.callback(m), 5 * i);
      }
      return {
        status: async () => (async function* () {})(),
        closed: () => new Promise<null>(() => {}),
        close: async () => {},
      } as unknown as ConsumerMessages;
    },
  } as unknown as Consumer;
  return consumer;
}

describe('StandingPull', () => {
  it('hands over what the server said was waiting with the first message, even from later socket reads', async () => {
    const pull = new StandingPull(deliveringConsumer(2), { name: 'FILLS/contract', maxMessages: 10 });
    const got = await pull.take(10, 1000);
    expect(got.map((m) => m.seq)).toEqual([1, 2, 3]);
    await pull.close();
  });

  it('hands a message over at once when nothing else was waiting, and never more than one pull asks for', async () => {
    const lone = new StandingPull(deliveringConsumer(0), {
      name: 'SIGNALS/executor-signals',
      maxMessages: 8,
    });
    expect((await lone.take(8, 1000)).map((m) => m.seq)).toEqual([1]);
    await lone.close();
    const ledger = new StandingPull(deliveringConsumer(2), { name: 'FILLS/executor-ledger', maxMessages: 1 });
    expect((await ledger.take(64, 1000)).map((m) => m.seq)).toEqual([1]);
    await ledger.close();
  });

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
