// NATS, Redis and MongoDB (FerretDB) each stopped and started while fills
// stream through the bus into the ledger. During the outage the dependency
// monitor reports the service down and no position may open; afterwards it
// reports it up again by itself, every fill is in the ledger exactly once, and
// positions (in MongoDB and in Redis) equal the sum of the fills.
// The servers are private instances of the real test servers
// (private-servers.ts), so stopping one disturbs no other suite.
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsBus } from '../../bot-runtime/bus/nats-bus.ts';
import { DependencyMonitor } from '../../bot-runtime/health/dependency-monitor.ts';
import { mongoProbe, natsProbe, redisProbe } from '../../bot-runtime/health/probes.ts';
import { reconcileLedger } from '../../bot-runtime/recovery/reconcile.ts';
import { MongoLedger } from '../../bot-runtime/store/mongo-ledger.ts';
import { RedisHotState } from '../../bot-runtime/store/redis-hot-state.ts';
import { eventually } from '../support/eventually.ts';
import { FAULT_CONSUMER, freshAddress, startExecutor, startProducer, streamFills } from './harness.ts';
import { type PrivateServers, startPrivateServers } from './private-servers.ts';

const TOTAL = 120;

const outages = [
  { component: 'nats', dependency: 'nats' },
  { component: 'redis', dependency: 'redis' },
  { component: 'ferretdb', dependency: 'mongodb' },
] as const;

let servers: PrivateServers | undefined;
beforeAll(async () => {
  servers = await startPrivateServers();
});
afterAll(async () => {
  await servers?.remove();
});

describe.each(outages)(
  '$component stopped and started during a stream of fills',
  ({ component, dependency }) => {
    it(`reports ${dependency} down then up, stops opening positions meanwhile, and loses or doubles no fill`, async () => {
      if (!servers) throw new Error('the private servers did not start');
      const address = freshAddress(`outage-${component}`);
      const bus = await NatsBus.connect({ servers: servers.natsUrl, address, requestTimeoutMs: 2000 });
      const ledger = await MongoLedger.open({
        url: servers.mongoUrl,
        database: `faults_${address.bot.replaceAll('-', '_')}`,
        client: { serverSelectionTimeoutMS: 1500, heartbeatFrequencyMS: 500 },
      });
      const hot = new RedisHotState({ url: servers.redisUrl, address });
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
      // The first half streams before the outage, the second half into it.
      const fills = streamFills(TOTAL);
      const before = startProducer(bus, fills.slice(0, TOTAL / 2), 5);
      let during: ReturnType<typeof startProducer> | undefined;
      const server = servers.servers[component];
      let openedDuringOutage: boolean | undefined;
      let appliedAtOutage = Number.NaN;
      try {
        expect(monitor.canOpenPositions()).toBe(true);
        await before.done;
        await eventually(
          () => (executor.applier.appliedCount >= TOTAL / 2 ? true : undefined),
          'the first half applied',
        );
        try {
          await server.stop();
          await eventually(
            () => (monitor.isUp(dependency) ? undefined : true),
            `${dependency} reported down`,
          );
          openedDuringOutage = monitor.canOpenPositions();
          appliedAtOutage = executor.applier.appliedCount;
          expect(monitor.message()).toContain(dependency);
          // Fills go on arriving while it is down.
          during = startProducer(bus, fills.slice(TOTAL / 2), 10);
          await sleep(1500);
        } finally {
          await server.start();
        }
        await eventually(() => (monitor.isUp(dependency) ? true : undefined), `${dependency} reported up`);
        expect(openedDuringOutage).toBe(false);
        // The outage came in the middle of the stream, with fills still to apply.
        expect(appliedAtOutage).toBeLessThan(TOTAL);
        await during?.done;
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
        before.stop();
        during?.stop();
        monitor.stop();
        await executor.stop();
        await bus.close();
        await ledger.close();
        await hot.close();
      }
    }, 120_000);
  },
);
