// The plumbing the fault tests drive: a deterministic stream of fills, a
// producer that publishes them through any outage (as the venue adapter
// will), and an executor that recovers and then applies fills from its
// durable consumer (as the kernel's executor will), on real or embedded parts.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { connect } from 'nats';
import type { Bus, ConsumerSpec } from '../../bot-runtime/bus/bus.ts';
import { consumeEvents, type RunningConsumer } from '../../bot-runtime/bus/consume.ts';
import { publishDurably } from '../../bot-runtime/bus/publish-durably.ts';
import { type BotAddress, botSubjects, eventKinds } from '../../bot-runtime/bus/subjects.ts';
import type { FillApplier } from '../../bot-runtime/recovery/fill-applier.ts';
import { type RecoveryReport, recover } from '../../bot-runtime/recovery/recover.ts';
import type { HotState } from '../../bot-runtime/store/hot-state.ts';
import type { Ledger } from '../../bot-runtime/store/ledger.ts';
import { type FillRecord, fillIdOf } from '../../bot-runtime/store/records.ts';

export const FAULT_CONSUMER: ConsumerSpec = { name: 'executor-ledger', ackWaitMs: 2000, maxAckPending: 1 };

export function serverUrl(name: 'NATS_URL' | 'REDIS_URL' | 'MONGODB_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through the integration project`);
  return value;
}

export function freshAddress(prefix: string): BotAddress {
  return { namespace: 'faults', bot: `${prefix}-${randomBytes(4).toString('hex')}` };
}

const SYMBOLS = ['ETHBTC', 'LTCBTC', 'XRPBTC'] as const;

/** Fill n of a deterministic stream: three symbols, mostly buys, decimal sizes and prices. */
export function streamFill(n: number): FillRecord {
  const orderId = `o-${n}`;
  return {
    fillId: fillIdOf(orderId, 't-1'),
    orderId,
    tradeId: 't-1',
    symbol: SYMBOLS[n % SYMBOLS.length]!,
    quote: 'BTC',
    side: n % 4 === 0 ? 'SELL' : 'BUY',
    quantity: `${(n % 7) + 1}.${String(n).padStart(3, '0')}`,
    price: `0.0${100 + (n % 900)}`,
    fee: { amount: `0.00000${n}`, currency: 'BTC' },
    liquidity: n % 2 === 0 ? 'MAKER' : 'TAKER',
    ts: 1_700_000_000_000 + n * 60_000,
  };
}

export const streamFills = (total: number): FillRecord[] =>
  Array.from({ length: total }, (_, i) => streamFill(i + 1));

export interface Producer {
  readonly done: Promise<void>;
  published(): number;
  stop(): void;
}

/**
 * Publishes the fills in order, each retried until the bus confirms it.
 * `mayPublish(i)` (0-based) holds fill i back until it says yes, e.g. to keep
 * the producer only a few fills ahead of the executor, as a venue is.
 */
export function startProducer(
  bus: Bus,
  fills: readonly FillRecord[],
  delayMs: number,
  mayPublish: (index: number) => boolean = () => true,
): Producer {
  const controller = new AbortController();
  let count = 0;
  const done = (async () => {
    for (const [i, f] of fills.entries()) {
      while (!mayPublish(i)) {
        controller.signal.throwIfAborted();
        await new Promise((r) => setTimeout(r, 2));
      }
      await publishDurably(bus, 'fills', f.fillId, f, { signal: controller.signal, retryDelayMs: 100 });
      count++;
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    }
  })();
  return { done, published: () => count, stop: () => controller.abort() };
}

export interface Executor {
  readonly report: RecoveryReport;
  readonly applier: FillApplier;
  readonly consumer: RunningConsumer;
  readonly errors: unknown[];
  stop(): Promise<void>;
}

/** Recovers, then applies fills from the durable consumer until stopped. */
export async function startExecutor(
  parts: { bus: Bus; ledger: Ledger; hot?: HotState },
  onApplied?: (applier: FillApplier) => void | Promise<void>,
): Promise<Executor> {
  const errors: unknown[] = [];
  const report = await recover(parts.ledger, parts.bus, {
    consumer: FAULT_CONSUMER,
    hot: parts.hot,
    timeoutMs: 60_000,
    onHotStateError: (e) => errors.push(e),
  });
  const applier = report.applier;
  const consumer = consumeEvents<FillRecord>(
    parts.bus,
    'fills',
    FAULT_CONSUMER,
    async (d) => {
      await applier.apply(d.payload);
      await onApplied?.(applier);
    },
    { retryDelayMs: 200, onError: (e) => errors.push(e) },
  );
  return { report, applier, consumer, errors, stop: () => consumer.unsubscribe() };
}

/** Removes a bot's streams, database and Redis keys. */
export async function removeBot(address: BotAddress, database: string | undefined): Promise<void> {
  const nc = await connect({ servers: serverUrl('NATS_URL') });
  try {
    const jsm = await nc.jetstreamManager();
    const subjects = botSubjects(address);
    for (const kind of eventKinds) await jsm.streams.delete(subjects.stream(kind)).catch(() => false);
  } finally {
    await nc.close();
  }
  if (database !== undefined) {
    const client = new MongoClient(serverUrl('MONGODB_URL'));
    try {
      await client.db(database).dropDatabase();
    } finally {
      await client.close();
    }
  }
  const redis = new Redis(serverUrl('REDIS_URL'));
  try {
    const keys = await redis.keys(`botcore:${address.namespace}:${address.bot}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}
