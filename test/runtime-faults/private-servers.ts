// A private NATS, Redis and FerretDB for the outage tests: the same binaries,
// arguments and health probes as the shared test servers (test/servers), on
// free ports with their own data in a temporary folder. Stopping one of these
// disturbs no other suite: a shared server that vanished for a few seconds
// could be "started" by another run's global setup and then torn down, data
// and all, by that run's teardown.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Component, ServerContext } from '../servers/components/component.ts';
import { ferretdb } from '../servers/components/ferretdb.ts';
import { nats } from '../servers/components/nats.ts';
import { redis } from '../servers/components/redis.ts';
import { ports as sharedPorts } from '../servers/ports.ts';
import { logTail, processFiles, runningPid, startDetached, stopProcess } from '../servers/process.ts';

export type PrivateServerName = 'nats' | 'redis' | 'ferretdb';

export interface PrivateServer {
  readonly name: PrivateServerName;
  /** Starts it (again) and waits until its probe passes. */
  start(): Promise<void>;
  /** SIGTERM (then SIGKILL), by the pid this module recorded; the data stays. */
  stop(): Promise<void>;
}

export interface PrivateServers {
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly mongoUrl: string;
  readonly servers: Readonly<Record<PrivateServerName, PrivateServer>>;
  /** Stops every server and deletes its data. */
  remove(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

export async function startPrivateServers(): Promise<PrivateServers> {
  const binDir = process.env.BOTCORE_BIN_DIR;
  if (!binDir) throw new Error('BOTCORE_BIN_DIR is not set: run through the integration project');
  const stateDir = await mkdtemp(join(tmpdir(), 'botcore-faults-'));
  const ports = {
    ...sharedPorts(),
    nats: await freePort(),
    natsMonitor: await freePort(),
    redis: await freePort(),
    ferretdb: await freePort(),
  };
  const ctx: ServerContext = {
    ports,
    stateDir,
    pki: undefined as never,
    binary: (name) => join(binDir, name),
    kubeconfig: () => {
      throw new Error('no kubeconfig for private servers');
    },
  };
  const make = (component: Component): PrivateServer => {
    const files = processFiles(stateDir, component.name);
    return {
      name: component.name as PrivateServerName,
      start: async () => {
        for (const dir of component.dataDirs?.(ctx) ?? []) await mkdir(dir, { recursive: true });
        await startDetached(files, ctx.binary(component.binaryName), component.args(ctx));
        const deadline = Date.now() + component.startTimeoutMs;
        for (
          let reason = await component.probe(ctx);
          reason !== undefined;
          reason = await component.probe(ctx)
        ) {
          if (runningPid(files) === undefined || Date.now() > deadline) {
            throw new Error(`private ${component.name} did not start (${reason}):\n${logTail(files)}`);
          }
          await sleep(100);
        }
      },
      stop: async () => {
        await stopProcess(files);
      },
    };
  };
  const servers = { nats: make(nats), redis: make(redis), ferretdb: make(ferretdb) };
  const remove = async () => {
    for (const s of Object.values(servers)) await s.stop();
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    await Promise.all(Object.values(servers).map((s) => s.start()));
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    natsUrl: `nats://127.0.0.1:${ports.nats}`,
    redisUrl: `redis://127.0.0.1:${ports.redis}`,
    mongoUrl: `mongodb://127.0.0.1:${ports.ferretdb}/`,
    servers,
    remove,
  };
}
