// The Bus contract on the real NATS server (JetStream), plus what only NATS has:
// streams created idempotently with their limits, and the consumer's config.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { busContract } from '../../test/runtime-faults/contract/bus-contract.ts';
import { eventually } from '../../test/support/eventually.ts';
import { NatsBus, streamLimits } from './nats-bus.ts';
import { eventKinds } from './subjects.ts';

const servers = () => {
  const url = process.env.NATS_URL;
  if (!url) throw new Error('NATS_URL is not set: run through the integration project');
  return url;
};

async function freshBot(): Promise<{ open: () => Promise<NatsBus>; remove: () => Promise<void> }> {
  const address = { namespace: 'contract', bot: `bus-${randomBytes(4).toString('hex')}` };
  const clients: NatsBus[] = [];
  const open = async () => {
    const bus = await NatsBus.connect({ servers: servers(), address });
    clients.push(bus);
    return bus;
  };
  return {
    open,
    remove: async () => {
      const [first] = clients;
      if (first && !first.connection.isClosed()) {
        const jsm = await first.connection.jetstreamManager();
        for (const kind of eventKinds)
          await jsm.streams.delete(first.subjects.stream(kind)).catch(() => false);
      }
      for (const c of clients) await c.close();
    },
  };
}

busContract('NATS JetStream', async () => {
  const bot = await freshBot();
  const bus = await bot.open();
  return { bus, peer: bot.open, close: bot.remove };
});

describe('NatsBus streams', () => {
  it('creates the four streams once, with their limits, whichever role connects first', async () => {
    const bot = await freshBot();
    try {
      const [a, b] = await Promise.all([bot.open(), bot.open()]);
      await a.ensureStreams();
      const jsm = await b!.connection.jetstreamManager();
      for (const kind of eventKinds) {
        const info = await jsm.streams.info(a!.subjects.stream(kind));
        expect(info.config.subjects).toEqual([a!.subjects.event(kind)]);
        expect(info.config.duplicate_window).toBe(120_000_000_000);
        expect(info.config.max_age).toBe(streamLimits[kind].maxAgeMs * 1_000_000);
        expect(info.config.storage).toBe('file');
      }
    } finally {
      await bot.remove();
    }
  });

  it('refuses to take over subjects that a stream of another name holds', async () => {
    const bot = await freshBot();
    const jsm = await (await bot.open()).connection.jetstreamManager();
    const first = await bot.open();
    const other = `OTHER-${randomBytes(4).toString('hex')}`;
    try {
      await jsm.streams.delete(first.subjects.stream('fills'));
      await jsm.streams.add({ name: other, subjects: [first.subjects.event('fills')] });
      await expect(bot.open()).rejects.toThrow(/cannot set up the JetStream streams .*subjects overlap/);
    } finally {
      await jsm.streams.delete(other).catch(() => false);
      await bot.remove();
    }
  });

  it('makes durable pull consumers with explicit acks, one outstanding by default', async () => {
    const bot = await freshBot();
    try {
      const bus = await bot.open();
      await bus.publishEvent('fills', 'f-1', { n: 1 });
      await bus.fetchEvents('fills', { name: 'executor-ledger', ackWaitMs: 7000 }, 1, 1000);
      const jsm = await bus.connection.jetstreamManager();
      const info = await jsm.consumers.info(bus.subjects.stream('fills'), 'executor-ledger');
      expect(info.config.durable_name).toBe('executor-ledger');
      expect(info.config.ack_policy).toBe('explicit');
      expect(info.config.max_ack_pending).toBe(1);
      expect(info.config.ack_wait).toBe(7_000_000_000);
      expect(info.num_ack_pending).toBe(1);
    } finally {
      await bot.remove();
    }
  });

  it('brings an existing consumer up to date when a newer role asks for other settings', async () => {
    const bot = await freshBot();
    try {
      const [old, updated] = [await bot.open(), await bot.open()];
      await old.unacknowledged('fills', { name: 'executor-ledger', ackWaitMs: 7000 });
      await updated.unacknowledged('fills', { name: 'executor-ledger', ackWaitMs: 3000, maxAckPending: 2 });
      const jsm = await updated.connection.jetstreamManager();
      const info = await jsm.consumers.info(updated.subjects.stream('fills'), 'executor-ledger');
      expect(info.config.ack_wait).toBe(3_000_000_000);
      expect(info.config.max_ack_pending).toBe(2);
    } finally {
      await bot.remove();
    }
  });

  it('hands over what is waiting without holding it for a batch to fill (the wait is longer than the test may take)', async () => {
    const bot = await freshBot();
    try {
      const bus = await bot.open();
      const consumer = { name: 'executor-signals', maxAckPending: 256 };
      await bus.publishEvent('signals', 's-1', { n: 1 });
      const one = await bus.fetchEvents('signals', consumer, 64, 120_000);
      expect(one.map((d) => d.id)).toEqual(['s-1']);
      await one[0]!.ack();
      for (const n of [2, 3, 4]) await bus.publishEvent('signals', `s-${n}`, { n });
      const three = await bus.fetchEvents('signals', consumer, 64, 120_000);
      expect(three.map((d) => d.id)).toEqual(['s-2', 's-3', 's-4']);
      for (const d of three) await d.ack();
      // Never more than the consumer may have outstanding: one at a time for the ledger.
      for (const n of [1, 2]) await bus.publishEvent('fills', `f-${n}`, { n });
      const ledger = await bus.fetchEvents('fills', { name: 'executor-ledger' }, 64, 120_000);
      expect(ledger.map((d) => d.id)).toEqual(['f-1']);
    } finally {
      await bot.remove();
    }
  });

  it('gives back what a standing pull held once its loop stops fetching, so another client gets it at once', async () => {
    const bot = await freshBot();
    try {
      const [first, second] = [await bot.open(), await bot.open()];
      // Acks wait longer than the test may take: only the give-back can hand s-2..s-5 on in time.
      const consumer = { name: 'executor-signals', maxAckPending: 8, ackWaitMs: 120_000 };
      for (const n of [1, 2, 3, 4, 5]) await first.publishEvent('signals', `s-${n}`, { n });
      const [one] = await first.fetchEvents('signals', consumer, 1, 5000);
      expect(one?.id).toBe('s-1');
      await one!.ack();
      // `first` stops fetching; its pull asked for up to 8 and holds the other four.
      const rest: string[] = [];
      await eventually(async () => {
        for (const d of await second.fetchEvents('signals', consumer, 8, 1000)) {
          rest.push(d.id);
          await d.ack();
        }
        return rest.length >= 4 ? true : undefined;
      }, 's-2 to s-5 on the second client');
      expect(rest).toEqual(['s-2', 's-3', 's-4', 's-5']);
    } finally {
      await bot.remove();
    }
  });
  it('makes its streams and consumer again when JetStream loses them, and says so', async () => {
    const bot = await freshBot();
    try {
      const bus = await bot.open();
      const consumer = { name: 'executor-signals', maxAckPending: 8 };
      await bus.publishEvent('signals', 's-1', { n: 1 });
      const [one] = await bus.fetchEvents('signals', consumer, 8, 5000);
      expect(one?.id).toBe('s-1');
      await one!.ack();
      // JetStream's state is lost (a server started on an empty store): the stream and its consumer with it.
      const jsm = await bus.connection.jetstreamManager();
      await jsm.streams.delete(bus.subjects.stream('signals'));
      // The first publish finds no stream and has the bus make it again; publishDurably's retry is stored.
      await expect(bus.publishEvent('signals', 's-2', { n: 2 })).rejects.toThrow(/503|no responders/i);
      await bus.publishEvent('signals', 's-2', { n: 2 });
      const errors: string[] = [];
      const got = await eventually(async () => {
        try {
          const ds = await bus.fetchEvents('signals', consumer, 8, 1000);
          return ds.length > 0 ? ds : undefined;
        } catch (error) {
          errors.push((error as Error).message);
          return undefined;
        }
      }, 's-2 through the consumer made again');
      expect(got.map((d) => d.id)).toEqual(['s-2']);
      expect(errors.join('\n')).toMatch(
        new RegExp(`consumer ${bus.subjects.stream('signals')}/executor-signals is gone`),
      );
    } finally {
      await bot.remove();
    }
  });
});
