// NATS, Redis and MongoDB (FerretDB) each stopped and started while fills
// stream through the bus into the ledger. During the outage the dependency
// monitor reports the service down and no position may open; afterwards it
// reports it up again by itself, every fill is in the ledger exactly once, and
// positions (in MongoDB and in Redis) equal the sum of the fills.
// The servers are shared with other suites: each outage is a few seconds, and
// `up()` in `finally` brings the server back whatever happened.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { NatsBus } from '../../bot-runtime/bus/nats-bus.ts';
import { DependencyMonitor } from '../../bot-runtime/health/dependency-monitor.ts';
import { mongoProbe, natsProbe, redisProbe } from '../../bot-runtime/health/probes.ts';
import { reconcileLedger } from '../../bot-runtime/recovery/reconcile.ts';
import { MongoLedger } from '../../bot-runtime/store/mongo-ledger.ts';
import { RedisHotState } from '../../bot-runtime/store/redis-hot-state.ts';
import { up } from '../servers/environment.ts';
import { stateDir } from '../servers/paths.ts';
import { processFiles, runningPid, stopProcess } from '../servers/process.ts';
import { eventually } from './contract/bus-contract.ts';
import {
  FAULT_CONSUMER,
  freshAddress,
  removeBot,
  serverUrl,
  startExecutor,
  startProducer,
  streamFills,
} from './harness.ts';

const TOTAL = 120;

const outages = [
  { component: 'nats', dependency: 'nats' },
  { component: 'redis', dependency: 'redis' },
  { component: 'ferretdb', dependency: 'mongodb' },
] as const;

afterAll(async () => {
  // Whatever a failed test left behind, the shared servers run again.
  if (outages.some((o) => runningPid(processFiles(stateDir(), o.component)) === undefined)) await up();
});

describe.each(outages)(
  '$component stopped and started during a stream of fills',
  ({ component, dependency }) => {
    it(`reports ${dependency} down then up, stops opening positions meanwhile, and loses or doubles no fill`, async () => {
      const address = freshAddress(`outage-${component}`);
      const database = `faults_${randomBytes(4).toString('hex')}`;
      const bus = await NatsBus.connect({ servers: serverUrl('NATS_URL'), address, requestTimeoutMs: 2000 });
      const ledger = await MongoLedger.open({
        url: serverUrl('MONGODB_URL'),
        database,
        client: { serverSelectionTimeoutMS: 1500, heartbeatFrequencyMS: 500 },
      });
      const hot = new RedisHotState({ url: serverUrl('REDIS_URL'), address });
      await hot.ready();
      const changes: string[] = [];
      const executor = await startExecutor({ bus, ledger, hot });
      const monitor = new DependencyMonitor(
        [natsProbe(bus.connection), redisProbe(hot.redis), mongoProbe(ledger.client)],
        {
          registry: new Registry(),
          intervalMs: 200,
          pingTimeoutMs: 1000,
          onChange: (name, state) => {
            changes.push(`${name}:${state.up ? 'up' : 'down'}`);
            // Hot state missed writes while Redis was away: the executor rewrites it when it is back.
            if (name === 'redis' && state.up) void executor.applier.refreshHotState();
          },
        },
      );
      await monitor.start();
      const producer = startProducer(bus, streamFills(TOTAL), 15);
      const files = processFiles(stateDir(), component);
      let openedDuringOutage: boolean | undefined;
      try {
        expect(monitor.canOpenPositions()).toBe(true);
        await eventually(
          () => (executor.applier.appliedCount >= TOTAL / 4 ? true : undefined),
          'a quarter of the fills',
        );
        try {
          expect(await stopProcess(files)).toBe(true);
          await eventually(
            () => (monitor.isUp(dependency) ? undefined : true),
            `${dependency} reported down`,
          );
          openedDuringOutage = monitor.canOpenPositions();
          expect(monitor.message()).toContain(dependency);
          // Keep it down a little while fills go on arriving.
          await sleep(1500);
        } finally {
          await up();
        }
        await eventually(() => (monitor.isUp(dependency) ? true : undefined), `${dependency} reported up`);
        expect(openedDuringOutage).toBe(false);
        await producer.done;
        await eventually(async () => {
          if (executor.applier.appliedCount < TOTAL) return undefined;
          return (await bus.unacknowledged('fills', FAULT_CONSUMER)) === 0 ? true : undefined;
        }, 'every fill applied');
        await eventually(() => (executor.applier.hotStateStale ? undefined : true), 'hot state rewritten');
        expect(monitor.canOpenPositions()).toBe(true);

        const check = await reconcileLedger(ledger, {
          expectedFillIds: streamFills(TOTAL).map((f) => f.fillId),
          hot,
        });
        expect(check).toEqual({
          ok: true,
          fillCount: TOTAL,
          duplicates: [],
          missing: [],
          unexpected: [],
          mismatches: [],
        });
        const down = changes.indexOf(`${dependency}:down`);
        expect(down).toBeGreaterThan(-1);
        expect(changes.indexOf(`${dependency}:up`, down)).toBeGreaterThan(down);
      } finally {
        producer.stop();
        monitor.stop();
        await executor.stop();
        await bus.close();
        await ledger.close();
        await hot.close();
        await removeBot(address, database);
      }
    }, 120_000);
  },
);
