// DependencyProbes for the clients the runtime uses: each pings the server
// and turns the client's own connection events into up/down at once.
import type { Redis } from 'ioredis';
import type { MongoClient } from 'mongodb';
import type { NatsConnection } from 'nats';
import type { DependencyProbe } from './dependency-monitor.ts';

/** NATS: a round trip to the server; `disconnect`/`reconnect` status events. */
export function natsProbe(nc: NatsConnection, required = true): DependencyProbe {
  return {
    name: 'nats',
    required,
    ping: async () => {
      await nc.rtt();
    },
    watch: (report) => {
      let stopped = false;
      void (async () => {
        for await (const s of nc.status()) {
          if (stopped) break;
          if (s.type === 'disconnect') report(false, 'disconnected');
          else if (s.type === 'reconnect') report(true);
        }
      })();
      return () => {
        stopped = true;
      };
    },
  };
}

/** Redis: PING; the client's `ready` and `close` events. */
export function redisProbe(redis: Redis, required = true): DependencyProbe {
  return {
    name: 'redis',
    required,
    ping: async () => {
      const reply = await redis.ping();
      if (reply !== 'PONG') throw new Error(`PING answered ${reply}`);
    },
    watch: (report) => {
      const up = () => report(true);
      const down = () => report(false, 'connection closed');
      redis.on('ready', up);
      redis.on('close', down);
      return () => {
        redis.off('ready', up);
        redis.off('close', down);
      };
    },
  };
}

/** MongoDB: the `ping` command; the driver's server heartbeats. */
export function mongoProbe(client: MongoClient, required = true): DependencyProbe {
  return {
    name: 'mongodb',
    required,
    ping: async () => {
      const reply = await client.db('admin').command({ ping: 1 });
      if (reply.ok !== 1) throw new Error(`ping answered ${JSON.stringify(reply)}`);
    },
    watch: (report) => {
      const failed = (e: { failure: Error }) => report(false, e.failure.message);
      const succeeded = () => report(true);
      client.on('serverHeartbeatFailed', failed);
      client.on('serverHeartbeatSucceeded', succeeded);
      return () => {
        client.off('serverHeartbeatFailed', failed);
        client.off('serverHeartbeatSucceeded', succeeded);
      };
    },
  };
}

/** Anything with a ping, e.g. the standalone file ledger: `pingProbe('ledger', () => ledger.ping())`. */
export function pingProbe(name: string, ping: () => Promise<void>, required = true): DependencyProbe {
  return { name, required, ping };
}
