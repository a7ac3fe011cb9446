import type { V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { Controller } from './controller.ts';
import { FakeClock, flushMicrotasks } from './fake-clock.ts';
import { FakeInformerSource } from './fake-informer-source.ts';
import { ResilientInformer } from './informer.ts';
import { InMemoryLeaseStore, type LeaseStore } from './lease-store.ts';
import { Manager } from './manager.ts';

/** One operator replica: a manager with one controller over a shared fake informer source. */
function replica(name: string, clock: FakeClock, store: LeaseStore | undefined) {
  const source = new FakeInformerSource<V1ConfigMap>();
  const reconciled: string[] = [];
  const pending: Array<() => void> = [];
  let hold = false;
  const manager = new Manager({
    clock,
    health: false,
    leaderElection:
      store === undefined
        ? false
        : { store, identity: name, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
  });
  const informer = new ResilientInformer<V1ConfigMap>({
    name: 'configmaps',
    source,
    clock,
    metrics: manager.metrics,
  });
  const controller = new Controller({
    name: 'configmap',
    clock,
    metrics: manager.metrics,
    rateLimit: false,
    reconcile: async (key) => {
      reconciled.push(key);
      if (hold) await new Promise<void>((resolve) => pending.push(resolve));
    },
  });
  controller.watch(informer);
  manager.add(controller);
  return {
    manager,
    source,
    reconciled,
    holdReconciles: () => {
      hold = true;
    },
    releaseReconciles: () => {
      hold = false;
      for (const resolve of pending.splice(0)) resolve();
    },
  };
}

const cm = (name: string): V1ConfigMap => ({ metadata: { namespace: 'ns', name, resourceVersion: '1' } });

describe('Manager', () => {
  it('exports process metrics (memory, event loop) next to the runtime metrics, unless turned off', async () => {
    const withProcess = await new Manager({ health: false }).registry.metrics();
    expect(withProcess).toContain('process_resident_memory_bytes');
    expect(withProcess).toContain('nodejs_eventloop_lag_seconds');
    expect(withProcess).toContain('botcore_operator_reconcile_total');
    const without = await new Manager({ health: false, processMetrics: false }).registry.metrics();
    expect(without).not.toContain('process_resident_memory_bytes');
    expect(without).toContain('botcore_operator_reconcile_total');
  });

  it('without leader election, reconciles once the caches have synced', async () => {
    const clock = new FakeClock();
    const r = replica('solo', clock, undefined);
    const source = r.source;
    source.put(cm('a'));
    await r.manager.start();
    await r.manager.waitForSync();
    await flushMicrotasks();
    expect(r.reconciled).toEqual(['ns/a']);
    expect(r.manager.isLeader).toBe(true);
    await r.manager.stop();
    source.put(cm('b'));
    await flushMicrotasks();
    expect(r.reconciled).toEqual(['ns/a']);
  });

  it('with two replicas, only the leader reconciles; when it stops, the other takes over', async () => {
    const clock = new FakeClock();
    const store = new InMemoryLeaseStore();
    const first = replica('first', clock, store);
    const second = replica('second', clock, store);
    // Both replicas watch the same cluster.
    const put = (object: V1ConfigMap) => {
      first.source.put(object);
      second.source.put(object);
    };
    put(cm('a'));
    await first.manager.start();
    await clock.advance(0);
    await second.manager.start();
    await clock.advance(4_000);
    expect(first.manager.isLeader).toBe(true);
    expect(second.manager.isLeader).toBe(false);
    put(cm('b'));
    await flushMicrotasks();
    expect(first.reconciled).toEqual(['ns/a', 'ns/b']);
    expect(second.reconciled).toEqual([]);

    await first.manager.stop();
    await clock.advance(2_000);
    expect(second.manager.isLeader).toBe(true);
    // The new leader starts with every cached key in its queue.
    expect(second.reconciled.sort()).toEqual(['ns/a', 'ns/b']);
    await second.manager.stop();
  });

  it('releases the lease only after the in-flight reconcile has finished', async () => {
    const clock = new FakeClock();
    const store = new InMemoryLeaseStore();
    const r = replica('leader', clock, store);
    const source = r.source;
    await r.manager.start();
    await clock.advance(0);
    r.holdReconciles();
    source.put(cm('slow'));
    await flushMicrotasks();
    let stopped = false;
    const stopping = r.manager.stop().then(() => {
      stopped = true;
    });
    await flushMicrotasks();
    expect(stopped).toBe(false);
    expect((await store.get())?.record.holderIdentity).toBe('leader');
    r.releaseReconciles();
    await stopping;
    expect((await store.get())?.record.holderIdentity).toBe('');
    // Then the informers stopped and the queues were shut down.
    expect(source.stopped).toBeGreaterThanOrEqual(1);
    expect(r.manager.controllers.every((c) => c.queue.isShutDown)).toBe(true);
  });

  it('serves readiness once the informers synced, and closes its server on stop', async () => {
    const clock = new FakeClock();
    const manager = new Manager({ clock, health: { port: 0, host: '127.0.0.1' }, processMetrics: false });
    const source = new FakeInformerSource<V1ConfigMap>();
    const informer = new ResilientInformer<V1ConfigMap>({ name: 'configmaps', source, clock });
    const controller = new Controller({ name: 'c', clock, reconcile: async () => {} });
    controller.watch(informer);
    manager.add(controller);
    const { healthPort } = await manager.start();
    await manager.waitForSync();
    const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
    expect(ready.status).toBe(200);
    await manager.stop();
    await expect(fetch(`http://127.0.0.1:${healthPort}/readyz`)).rejects.toThrow();
    expect(() => manager.add(controller)).toThrow(/before start/);
  });
});
