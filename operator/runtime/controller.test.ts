import type { V1ConfigMap, V1Pod } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Controller, type ReconcileOutcome } from './controller.ts';
import { FakeClock, flushMicrotasks } from './fake-clock.ts';
import { FakeInformerSource } from './fake-informer-source.ts';
import { ResilientInformer } from './informer.ts';
import { controllerOwnerKey } from './keys.ts';
import { runtimeMetrics } from './metrics.ts';
import { generationChanged } from './predicates.ts';

function cm(name: string, rv = '1'): V1ConfigMap {
  return { metadata: { namespace: 'ns', name, resourceVersion: rv } };
}

/** A reconciler whose results the test scripts per call; calls stay in flight until settled. */
class ScriptedReconciler {
  readonly calls: string[] = [];
  readonly pending: Array<{ key: string; settle: (outcome?: ReconcileOutcome | Error) => void }> = [];
  auto: ((key: string) => ReconcileOutcome | Error | undefined) | undefined;

  readonly reconcile = (key: string): Promise<ReconcileOutcome | undefined> => {
    this.calls.push(key);
    if (this.auto !== undefined) {
      const result = this.auto(key);
      return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ key, settle: (o) => (o instanceof Error ? reject(o) : resolve(o)) });
    });
  };

  async settle(outcome?: ReconcileOutcome | Error): Promise<void> {
    const next = this.pending.shift();
    if (next === undefined) throw new Error('nothing in flight');
    next.settle(outcome);
    await flushMicrotasks();
  }
}

function setup(options: { resyncPeriodMs?: number; concurrency?: number } = {}) {
  const clock = new FakeClock();
  const registry = new Registry();
  const metrics = runtimeMetrics(registry);
  const source = new FakeInformerSource<V1ConfigMap>();
  const informer = new ResilientInformer<V1ConfigMap>({
    name: 'configmaps',
    source,
    clock,
    metrics,
    ...(options.resyncPeriodMs === undefined ? {} : { resyncPeriodMs: options.resyncPeriodMs }),
  });
  const reconciler = new ScriptedReconciler();
  const controller = new Controller({
    name: 'test',
    reconcile: reconciler.reconcile,
    clock,
    metrics,
    backoff: { baseDelayMs: 100, maxDelayMs: 1000 },
    rateLimit: false,
    concurrency: options.concurrency ?? 1,
  });
  controller.watch(informer);
  return { clock, registry, metrics, source, informer, reconciler, controller };
}

async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const found = values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return found?.value ?? 0;
}

describe('Controller', () => {
  it('reconciles the key of an added object once its informers synced and workers run', async () => {
    const { source, reconciler, controller, registry } = setup();
    source.put(cm('a'));
    await controller.start();
    expect(controller.hasSynced).toBe(true);
    expect(reconciler.calls).toEqual(['ns/a']);
    await reconciler.settle();
    expect(
      await metricValue(registry, 'botcore_operator_reconcile_total', {
        controller: 'test',
        result: 'success',
      }),
    ).toBe(1);
    expect(await registry.getSingleMetricAsString('botcore_operator_reconcile_duration_seconds')).toContain(
      'botcore_operator_reconcile_duration_seconds_count{controller="test"} 1',
    );
    expect(await registry.getSingleMetricAsString('botcore_operator_workqueue_wait_seconds')).toContain(
      'botcore_operator_workqueue_wait_seconds_count{controller="test"} 1',
    );
  });

  it('retries a failing key with growing backoff and forgets the backoff after a success', async () => {
    const { clock, source, reconciler, controller, registry } = setup();
    await controller.start();
    source.put(cm('a'));
    await reconciler.settle(new Error('conflict'));
    expect(controller.queue.retries('ns/a')).toBe(1);
    await clock.advance(99);
    expect(reconciler.calls).toHaveLength(1);
    await clock.advance(1);
    expect(reconciler.calls).toHaveLength(2);
    await reconciler.settle(new Error('still failing'));
    await clock.advance(199);
    expect(reconciler.calls).toHaveLength(2);
    await clock.advance(1);
    expect(reconciler.calls).toHaveLength(3);
    await reconciler.settle();
    expect(controller.queue.retries('ns/a')).toBe(0);
    expect(await metricValue(registry, 'botcore_operator_reconcile_total', { result: 'error' })).toBe(2);
    expect(
      await metricValue(registry, 'botcore_operator_reconcile_errors_total', { controller: 'test' }),
    ).toBe(2);
    expect(
      await metricValue(registry, 'botcore_operator_workqueue_retries_total', { controller: 'test' }),
    ).toBe(2);
    expect(await metricValue(registry, 'botcore_operator_reconcile_total', { result: 'success' })).toBe(1);
    // After the success the next failure starts from the base delay again.
    source.put(cm('a', '2'));
    await reconciler.settle(new Error('again'));
    await clock.advance(100);
    expect(reconciler.calls).toHaveLength(5);
  });

  it('reconciles again after requeueAfterMs', async () => {
    const { clock, source, reconciler, controller, registry } = setup();
    await controller.start();
    source.put(cm('a'));
    await reconciler.settle({ requeueAfterMs: 30_000 });
    await clock.advance(29_999);
    expect(reconciler.calls).toEqual(['ns/a']);
    await clock.advance(1);
    expect(reconciler.calls).toEqual(['ns/a', 'ns/a']);
    expect(await metricValue(registry, 'botcore_operator_reconcile_total', { result: 'requeue_after' })).toBe(
      1,
    );
  });

  it('collapses a burst of changes to one object into at most one extra reconcile, never two at once', async () => {
    const { source, reconciler, controller } = setup({ concurrency: 4 });
    await controller.start();
    source.put(cm('a', '1'));
    for (let rv = 2; rv < 10; rv++) source.put(cm('a', String(rv)));
    source.remove(cm('a', '10'));
    expect(reconciler.pending).toHaveLength(1);
    await reconciler.settle();
    expect(reconciler.pending).toHaveLength(1);
    await reconciler.settle();
    expect(reconciler.calls).toEqual(['ns/a', 'ns/a']);
  });

  it('re-enqueues every cached object on resync', async () => {
    const { clock, source, reconciler, controller } = setup({ resyncPeriodMs: 10_000 });
    reconciler.auto = () => undefined;
    source.put(cm('a'));
    source.put(cm('b'));
    await controller.start();
    await flushMicrotasks();
    expect(reconciler.calls).toEqual(['ns/a', 'ns/b']);
    await clock.advance(10_000);
    expect(reconciler.calls).toEqual(['ns/a', 'ns/b', 'ns/a', 'ns/b']);
  });

  it('skips updates that the update predicate rejects, but not adds, deletes or resyncs', async () => {
    const { clock, metrics, reconciler } = setup();
    const source = new FakeInformerSource<V1ConfigMap>();
    const informer = new ResilientInformer<V1ConfigMap>({
      name: 'gen',
      source,
      clock,
      metrics,
      resyncPeriodMs: 60_000,
    });
    const controller = new Controller({
      name: 'gen',
      reconcile: reconciler.reconcile,
      clock,
      rateLimit: false,
    });
    controller.watch(informer, undefined, { updatePredicate: generationChanged });
    reconciler.auto = () => undefined;
    await controller.start();
    const at = (generation: number, rv: string): V1ConfigMap => ({
      metadata: { namespace: 'ns', name: 'bot', generation, resourceVersion: rv },
    });
    source.put(at(1, '1'));
    source.put(at(1, '2')); // a status write: same generation
    source.put(at(2, '3')); // a spec change
    await flushMicrotasks();
    expect(reconciler.calls).toEqual(['ns/bot', 'ns/bot']);
    await clock.advance(60_000);
    expect(reconciler.calls).toHaveLength(3);
    source.remove(at(2, '4'));
    await flushMicrotasks();
    expect(reconciler.calls).toHaveLength(4);
  });

  it('leaves resyncs out when the watch says so (owned children: the owner resyncs itself)', async () => {
    const { clock, metrics, reconciler, controller } = setup();
    const pods = new FakeInformerSource<V1Pod>();
    const podInformer = new ResilientInformer<V1Pod>({
      name: 'pods',
      source: pods,
      clock,
      metrics,
      resyncPeriodMs: 10_000,
    });
    controller.watch(podInformer, controllerOwnerKey('v1', 'ConfigMap'), { resync: false });
    reconciler.auto = () => undefined;
    const owned = (name: string) => ({
      metadata: {
        namespace: 'ns',
        name,
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'parent', uid: 'u', controller: true },
        ],
      },
    });
    pods.put(owned('p1'));
    pods.put(owned('p2'));
    await controller.start();
    await flushMicrotasks();
    expect(reconciler.calls).toEqual(['ns/parent']);
    await clock.advance(10_000);
    expect(reconciler.calls).toEqual(['ns/parent']);
    pods.put(owned('p3'));
    await flushMicrotasks();
    expect(reconciler.calls).toEqual(['ns/parent', 'ns/parent']);
  });

  it('maps children to their controlling owner', async () => {
    const { clock, metrics, reconciler, controller } = setup();
    const pods = new FakeInformerSource<V1Pod>();
    const podInformer = new ResilientInformer<V1Pod>({ name: 'pods', source: pods, clock, metrics });
    controller.watch(podInformer, controllerOwnerKey('v1', 'ConfigMap'));
    await controller.start();
    reconciler.auto = () => undefined;
    pods.put({
      metadata: {
        namespace: 'ns',
        name: 'owned-pod',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'parent', uid: 'u', controller: true },
        ],
      },
    });
    pods.put({ metadata: { namespace: 'ns', name: 'orphan-pod' } });
    await flushMicrotasks();
    expect(reconciler.calls).toEqual(['ns/parent']);
    // Adopted by another owner: both the new and the old owner reconcile.
    pods.put({
      metadata: {
        namespace: 'ns',
        name: 'owned-pod',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'step-parent', uid: 'v', controller: true },
        ],
      },
    });
    await flushMicrotasks();
    expect(reconciler.calls.slice(1).sort()).toEqual(['ns/parent', 'ns/step-parent']);
  });

  it('reports queue depth at scrape time and does not reconcile before workers run', async () => {
    const { source, reconciler, controller, registry } = setup();
    await controller.startInformers();
    source.put(cm('a'));
    source.put(cm('b'));
    source.put(cm('c'));
    expect(reconciler.calls).toEqual([]);
    expect(await metricValue(registry, 'botcore_operator_workqueue_depth', { controller: 'test' })).toBe(3);
    controller.runWorkers();
    expect(await metricValue(registry, 'botcore_operator_workqueue_depth', { controller: 'test' })).toBe(2);
  });

  it('aborts the signal of in-flight reconciles when workers pause, and hands a fresh one after resuming', async () => {
    const { source, controller } = setup();
    const signals: AbortSignal[] = [];
    const release: Array<() => void> = [];
    const c = new Controller({
      name: 'signals',
      rateLimit: false,
      reconcile: (_key, { signal }) => {
        signals.push(signal);
        return new Promise<void>((resolve) => release.push(resolve));
      },
    });
    const informer = controller.informers[0];
    if (informer === undefined) throw new Error('no informer');
    c.watch(informer);
    await c.start();
    source.put(cm('a'));
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(false);
    const pausing = c.pauseWorkers();
    expect(signals[0]?.aborted).toBe(true);
    release.shift()?.();
    await pausing;
    c.runWorkers();
    source.put(cm('a', '2'));
    await flushMicrotasks();
    expect(signals).toHaveLength(2);
    expect(signals[1]?.aborted).toBe(false);
    release.shift()?.();
  });

  it('counts a reconcile that gives up on its aborted signal as interrupted, not failed, and runs it again on resume', async () => {
    const { source, controller, registry } = setup();
    const reconciled: string[] = [];
    let interruptNext = true;
    const c = new Controller({
      name: 'interrupt',
      rateLimit: false,
      metrics: runtimeMetrics(registry),
      reconcile: async (key, { signal }) => {
        reconciled.push(key);
        if (!interruptNext) return;
        interruptNext = false;
        await new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      },
    });
    const informer = controller.informers[0];
    if (informer === undefined) throw new Error('no informer');
    c.watch(informer);
    await c.start();
    source.put(cm('a'));
    await c.pauseWorkers();
    expect(c.queue.retries('ns/a')).toBe(0);
    expect(c.queue.length).toBe(1);
    expect(
      await metricValue(registry, 'botcore_operator_reconcile_total', {
        controller: 'interrupt',
        result: 'interrupted',
      }),
    ).toBe(1);
    expect(
      await metricValue(registry, 'botcore_operator_reconcile_errors_total', { controller: 'interrupt' }),
    ).toBe(0);
    c.runWorkers();
    await flushMicrotasks();
    expect(reconciled).toEqual(['ns/a', 'ns/a']);
  });

  it('pauses workers after in-flight reconciles, and stop drains them', async () => {
    const { source, reconciler, controller } = setup();
    await controller.start();
    source.put(cm('a'));
    source.put(cm('b'));
    let paused = false;
    const pausing = controller.pauseWorkers().then(() => {
      paused = true;
    });
    await flushMicrotasks();
    expect(paused).toBe(false);
    await reconciler.settle();
    await pausing;
    expect(reconciler.calls).toEqual(['ns/a']);
    controller.runWorkers();
    expect(reconciler.calls).toEqual(['ns/a', 'ns/b']);
    let stopped = false;
    const stopping = controller.stop().then(() => {
      stopped = true;
    });
    await flushMicrotasks();
    expect(stopped).toBe(false);
    await reconciler.settle();
    await stopping;
    source.put(cm('c'));
    expect(reconciler.calls).toEqual(['ns/a', 'ns/b']);
  });
});
