import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { ProbeResult } from '../probes.ts';
import type { Component } from './component.ts';

// FerretDB 1.x speaks the MongoDB wire protocol over an embedded SQLite
// backend: a real MongoDB-protocol server that builds from Go modules
// (test/servers/go/ferretdb/main.go starts it; telemetry is off there).
export const ferretdb: Component = {
  name: 'ferretdb',
  wave: 1,
  binaryName: 'ferretdb',
  ports: (p) => [p.ferretdb],
  dataDirs: (ctx) => [join(ctx.stateDir, 'data', 'ferretdb')],
  args: ({ ports, stateDir }) => [
    `--sqlite-url=file:${join(stateDir, 'data', 'ferretdb')}/`,
    `--listen-addr=127.0.0.1:${ports.ferretdb}`,
  ],
  probe: ({ ports }) => pingMongo(`mongodb://127.0.0.1:${ports.ferretdb}/`),
  startTimeoutMs: 30_000,
};

async function pingMongo(url: string): Promise<ProbeResult> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
  try {
    await client.connect();
    const reply = await client.db('admin').command({ ping: 1 });
    return reply.ok === 1 ? undefined : `ping answered ${JSON.stringify(reply)}`;
  } catch (error) {
    return `${url}: ${(error as Error).message}`;
  } finally {
    await client.close();
  }
}
