// Leader election on a real coordination.k8s.io/v1 Lease: of two electors on
// the same Lease only one leads; when the leader stops it releases the Lease
// and the other takes over; a Lease left by a vanished holder is taken over
// once it expires. What the Lease says is read through a separate client.
import { CoordinationV1Api, type CoreV1Api, type KubeConfig, V1MicroTime } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderElector } from '../../operator/runtime/leader-election.ts';
import { KubernetesLeaseStore } from '../../operator/runtime/lease-store.ts';
import { eventually } from '../support/eventually.ts';
import { uniqueName } from '../support/kube.ts';
import {
  CuttableProxy,
  coreApi,
  createNamespace,
  deleteNamespace,
  kubeConfig,
  kubeConfigVia,
} from './helpers.ts';

let kc: KubeConfig;
let core: CoreV1Api;
let coordination: CoordinationV1Api;
let namespace: string;

beforeAll(async () => {
  kc = kubeConfig();
  core = coreApi(kc);
  coordination = kc.makeApiClient(CoordinationV1Api);
  namespace = await createNamespace(core, 'rt-lease');
});

afterAll(async () => {
  await deleteNamespace(core, namespace);
});

const timing = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 250 };

function elector(leaseName: string, identity: string, log: string[]) {
  // Each elector has its own client, as two replicas would.
  const api = kubeConfig().makeApiClient(CoordinationV1Api);
  return new LeaderElector({
    store: new KubernetesLeaseStore(api, namespace, leaseName),
    identity,
    ...timing,
    onStartedLeading: () => void log.push(`${identity} started`),
    onStoppedLeading: () => void log.push(`${identity} stopped`),
  });
}

async function readLease(name: string) {
  return coordination.readNamespacedLease({ name, namespace });
}

describe('LeaderElector on a real Lease', () => {
  it('lets one of two replicas lead, and hands over when the leader stops', async () => {
    const leaseName = uniqueName('operator');
    const log: string[] = [];
    const a = elector(leaseName, 'replica-a', log);
    const b = elector(leaseName, 'replica-b', log);
    let bothLed = false;
    const sampler = setInterval(() => {
      if (a.isLeader && b.isLeader) bothLed = true;
    }, 10);
    try {
      a.start();
      b.start();
      const leader = await eventually(() => (a.isLeader ? a : b.isLeader ? b : undefined), 'a leader');
      const standby = leader === a ? b : a;
      // Several renew periods pass and the standby stays standby.
      const firstLease = await readLease(leaseName);
      await eventually(async () => {
        const lease = await readLease(leaseName);
        return (
          Number(lease.metadata?.resourceVersion) > Number(firstLease.metadata?.resourceVersion) + 3 && lease
        );
      }, 'a few renewals');
      expect(standby.isLeader).toBe(false);
      const held = await readLease(leaseName);
      expect(held.spec?.holderIdentity).toBe(leader.identity);
      expect(held.spec?.leaseDurationSeconds).toBe(3);
      expect(held.spec?.renewTime).toBeDefined();
      expect(held.spec?.acquireTime).toBeDefined();
      expect(standby.observedLeader).toBe(leader.identity);

      await leader.stop();
      const afterRelease = await readLease(leaseName);
      expect(
        afterRelease.spec?.holderIdentity === '' || afterRelease.spec?.holderIdentity === standby.identity,
      ).toBe(true);
      await eventually(() => standby.isLeader, 'the standby to take over');
      const taken = await readLease(leaseName);
      expect(taken.spec?.holderIdentity).toBe(standby.identity);
      expect(taken.spec?.leaseTransitions).toBe((held.spec?.leaseTransitions ?? 0) + 1);
      expect(log).toEqual([
        `${leader.identity} started`,
        `${leader.identity} stopped`,
        `${standby.identity} started`,
      ]);
      expect(bothLed).toBe(false);
    } finally {
      clearInterval(sampler);
      await a.stop();
      await b.stop();
    }
  });

  it('a leader cut off from the API server stops leading before the standby takes over', async () => {
    const leaseName = uniqueName('operator');
    const cluster = kc.getCurrentCluster();
    if (cluster === null) throw new Error('no current cluster');
    const proxy = new CuttableProxy(cluster.server);
    await proxy.start();
    const log: string[] = [];
    const viaProxy = kubeConfigVia(kubeConfig(), proxy.url).makeApiClient(CoordinationV1Api);
    const a = new LeaderElector({
      store: new KubernetesLeaseStore(viaProxy, namespace, leaseName),
      identity: 'replica-a',
      ...timing,
      onStartedLeading: () => void log.push('replica-a started'),
      onStoppedLeading: () => void log.push('replica-a stopped'),
    });
    const b = elector(leaseName, 'replica-b', log);
    let bothLed = false;
    const sampler = setInterval(() => {
      if (a.isLeader && b.isLeader) bothLed = true;
    }, 10);
    try {
      a.start();
      await eventually(() => a.isLeader, 'replica-a to lead');
      b.start();
      await eventually(() => b.observedLeader === 'replica-a', 'replica-b to see replica-a');

      await proxy.cut();
      await eventually(() => b.isLeader, 'replica-b to take over', { timeoutMs: 15_000 });
      // replica-a gave up at its renew deadline, before the lease expired for b.
      expect(log).toEqual(['replica-a started', 'replica-a stopped', 'replica-b started']);

      await proxy.restore();
      await eventually(() => a.observedLeader === 'replica-b', 'replica-a to see replica-b');
      expect(a.isLeader).toBe(false);
      expect((await readLease(leaseName)).spec?.holderIdentity).toBe('replica-b');
      expect(bothLed).toBe(false);
    } finally {
      clearInterval(sampler);
      await a.stop();
      await b.stop();
      await proxy.stop();
    }
  });

  it('takes over a Lease whose holder vanished without releasing it, once it expires', async () => {
    const leaseName = uniqueName('operator');
    const now = new V1MicroTime(Date.now());
    await coordination.createNamespacedLease({
      namespace,
      body: {
        metadata: { name: leaseName, namespace },
        spec: {
          holderIdentity: 'crashed-replica',
          leaseDurationSeconds: 3,
          acquireTime: now,
          renewTime: now,
          leaseTransitions: 4,
        },
      },
    });
    const log: string[] = [];
    const b = elector(leaseName, 'replica-b', log);
    try {
      b.start();
      await eventually(() => b.observedLeader === 'crashed-replica', 'replica-b to see the old holder');
      expect(b.isLeader).toBe(false);
      await eventually(() => b.isLeader, 'replica-b to take over the expired lease', { timeoutMs: 15_000 });
      const lease = await readLease(leaseName);
      expect(lease.spec?.holderIdentity).toBe('replica-b');
      expect(lease.spec?.leaseTransitions).toBe(5);
    } finally {
      await b.stop();
    }
  });

  it('refuses a write based on a stale resourceVersion', async () => {
    const leaseName = uniqueName('operator');
    const api = kubeConfig().makeApiClient(CoordinationV1Api);
    const store = new KubernetesLeaseStore(api, namespace, leaseName);
    const record = {
      holderIdentity: 'x',
      leaseDurationSeconds: 3,
      acquireTime: new Date(),
      renewTime: new Date(),
      leaseTransitions: 0,
    };
    const created = await store.create(record);
    await expect(store.create(record)).rejects.toThrow(/already exists/);
    const updated = await store.update({ ...record, holderIdentity: 'y' }, created.resourceVersion);
    expect(updated.record.holderIdentity).toBe('y');
    expect(updated.record.renewTime).toBeInstanceOf(Date);
    await expect(store.update({ ...record, holderIdentity: 'z' }, created.resourceVersion)).rejects.toThrow(
      /changed/,
    );
    expect((await store.get())?.record.holderIdentity).toBe('y');
  });
});
