// Graceful shutdown of a real operator process: on SIGTERM a leading replica
// stops leading, releases its Lease, stops its informers, drains and closes,
// exits 0, and the other replica takes over at once. Its stdout is JSON lines
// only, and the secret it logs never appears.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CoordinationV1Api, type CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { uniqueName } from '../support/kube.ts';
import { coreApi, createNamespace, deleteNamespace, kubeConfig } from './helpers.ts';

let core: CoreV1Api;
let namespace: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  core = coreApi(kubeConfig());
  namespace = await createNamespace(core, 'rt-shutdown');
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await deleteNamespace(core, namespace);
});

function startReplica(leaseName: string, identity: string) {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'fixtures', 'replica.ts'), namespace, leaseName, identity],
    {
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const messages = () => lines.map((l) => (JSON.parse(l) as { msg?: string }).msg);
  return { child, lines, messages, exited, stderr: () => stderr };
}

describe('graceful shutdown of an operator process', () => {
  it('releases the Lease on SIGTERM so the other replica takes over, and exits 0', async () => {
    const leaseName = uniqueName('shutdown');
    const coordination = kubeConfig().makeApiClient(CoordinationV1Api);
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'work', namespace } } });

    const first = startReplica(leaseName, 'replica-1');
    await eventually(() => first.messages().includes('replica is leading'), 'replica-1 to lead', {
      timeoutMs: 30_000,
    });
    await eventually(() => first.messages().includes('reconciled'), 'replica-1 to reconcile');
    const second = startReplica(leaseName, 'replica-2');
    await eventually(() => second.messages().includes('replica started'), 'replica-2 to start', {
      timeoutMs: 30_000,
    });

    first.child.kill('SIGTERM');
    const [code] = await first.exited;
    expect(code, first.stderr()).toBe(0);
    const lease = await coordination.readNamespacedLease({ name: leaseName, namespace });
    expect(['', 'replica-2']).toContain(lease.spec?.holderIdentity ?? '');

    await eventually(() => second.messages().includes('replica is leading'), 'replica-2 to lead', {
      timeoutMs: 15_000,
    });
    await eventually(() => second.messages().includes('reconciled'), 'replica-2 to reconcile');

    // The shutdown went through its steps in order: stop leading (workers
    // drain, then the lease is released), informers, queues, server.
    const records = first.lines.map((l) => JSON.parse(l) as { msg?: string; step?: string });
    const steps = records.filter((r) => r.msg === 'manager stopping').map((r) => r.step);
    expect(steps).toEqual(['stop leading', 'stop informers', 'drain queues', 'close server']);
    const order = records
      .map((r) => (r.msg === 'manager stopping' ? `step ${r.step}` : r.msg))
      .filter((m) =>
        [
          'step stop leading',
          'stopped leading',
          'workers paused',
          'released the lease',
          'step stop informers',
          'shutdown complete',
        ].includes(m ?? ''),
      );
    // Safety: in-flight work stops before the lease is given up, so two
    // replicas never act at once. The release itself is bounded by the renew
    // deadline, so on a loaded machine its log line may come after later steps.
    expect(order.slice(0, 3)).toEqual(['step stop leading', 'stopped leading', 'workers paused']);
    expect(order.indexOf('released the lease')).toBeGreaterThan(order.indexOf('workers paused'));
    expect(order.indexOf('shutdown complete')).toBeGreaterThan(order.indexOf('step stop informers'));

    for (const line of [...first.lines, ...second.lines]) {
      expect(() => JSON.parse(line)).not.toThrow();
      expect(line).not.toContain('replica-secret-value');
    }

    second.child.kill('SIGINT');
    const [secondCode] = await second.exited;
    expect(secondCode, second.stderr()).toBe(0);
  });
});
