// Where a bot's runtime keeps its messages and state, in one place: between
// pods, NATS + MongoDB + Redis from `RuntimeConfig.connections`; in
// `botcore run`, the in-process bus, the file journal in a state folder and
// memory. Either way a DependencyMonitor watches what is needed.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { RuntimeConfig, RuntimeRole } from '../../crds/runtime-config/index.ts';
import type { Bus } from '../bus/bus.ts';
import { InProcessBus } from '../bus/in-process-bus.ts';
import { NatsBus } from '../bus/nats-bus.ts';
import type { BotAddress } from '../bus/subjects.ts';
import { DependencyMonitor, type DependencyProbe } from '../health/dependency-monitor.ts';
import { mongoProbe, natsProbe, pingProbe, redisProbe } from '../health/probes.ts';
import { FileLedger } from './file-ledger.ts';
import type { HotState } from './hot-state.ts';
import type { Ledger } from './ledger.ts';
import { MemoryHotState } from './memory-hot-state.ts';
import { MongoLedger } from './mongo-ledger.ts';
import { RedisHotState } from './redis-hot-state.ts';

export interface RuntimeState {
  readonly bus: Bus;
  /** Absent for roles that keep no ledger (feed, strategies). */
  readonly ledger: Ledger | undefined;
  readonly hot: HotState;
  readonly monitor: DependencyMonitor;
  close(): Promise<void>;
}

export interface StateOptions {
  readonly registry?: Registry;
  readonly monitorIntervalMs?: number;
}

/** MongoDB database of a bot: `botcore_<ns>_<bot>`, hashed when that passes the 63-character limit. */
export function ledgerDatabase(address: BotAddress): string {
  const plain = `botcore_${address.namespace}_${address.bot}`;
  if (plain.length <= 63) return plain;
  return `botcore_${createHash('sha256').update(`${address.namespace}/${address.bot}`).digest('hex').slice(0, 40)}`;
}

/** Between pods: the executor opens the ledger (MongoDB); every role gets the bus and hot state. */
export async function openClusterState(
  config: RuntimeConfig,
  role: RuntimeRole,
  options: StateOptions = {},
): Promise<RuntimeState> {
  const address = { namespace: config.bot.namespace, bot: config.bot.name };
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const bus = await NatsBus.connect({
      servers: config.connections.nats.url,
      address,
      name: `${address.bot}-${role}`,
    });
    closers.push(() => bus.close());
    const probes: DependencyProbe[] = [natsProbe(bus.connection)];
    let ledger: Ledger | undefined;
    if (role === 'executor') {
      const mongodb = config.connections.mongodb;
      if (!mongodb) throw new Error('the executor needs connections.mongodb for its ledger');
      const mongo = await MongoLedger.open({ url: mongodb.url, database: ledgerDatabase(address) });
      closers.push(() => mongo.close());
      probes.push(mongoProbe(mongo.client));
      ledger = mongo;
    }
    let hot: HotState;
    if (config.connections.redis) {
      const redis = new RedisHotState({ url: config.connections.redis.url, address });
      closers.push(() => redis.close());
      await redis.ready();
      probes.push(redisProbe(redis.redis));
      hot = redis;
    } else {
      hot = new MemoryHotState();
    }
    const monitor = new DependencyMonitor(probes, {
      registry: options.registry,
      intervalMs: options.monitorIntervalMs,
    });
    await monitor.start();
    closers.push(async () => monitor.stop());
    return { bus, ledger, hot, monitor, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `botcore run`: every role in this process; the journal in `stateDir/ledger.jsonl` survives restarts. */
export async function openStandaloneState(
  stateDir: string,
  options: StateOptions = {},
): Promise<RuntimeState> {
  const bus = new InProcessBus();
  const ledger = await FileLedger.open(join(stateDir, 'ledger.jsonl'));
  const hot = new MemoryHotState();
  const monitor = new DependencyMonitor([pingProbe('ledger', () => ledger.ping())], {
    registry: options.registry,
    intervalMs: options.monitorIntervalMs,
  });
  await monitor.start();
  return {
    bus,
    ledger,
    hot,
    monitor,
    close: async () => {
      monitor.stop();
      await bus.close();
      await ledger.close();
    },
  };
}
