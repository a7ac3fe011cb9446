import { type KubernetesListObject, ListWatch, type V1ConfigMap, type Watch } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from './fake-clock.ts';
import { ResilientInformer } from './informer.ts';

type WatchCallback = (phase: string, object: unknown) => void;
type DoneCallback = (err: unknown) => void;

/** Stands in for client-node's Watch: the test opens, feeds and breaks watches by hand. */
class FakeWatch {
  readonly calls: Array<{
    resourceVersion: unknown;
    callback: WatchCallback;
    done: DoneCallback;
    aborted: () => boolean;
  }> = [];
  failNextWith: unknown;

  async watch(
    _path: string,
    query: Record<string, unknown>,
    callback: WatchCallback,
    done: DoneCallback,
  ): Promise<AbortController> {
    const controller = new AbortController();
    // Like the real Watch, `done` is called once at most.
    let doneCalled = false;
    const doneOnce: DoneCallback = (err) => {
      if (doneCalled) return;
      doneCalled = true;
      done(err);
    };
    const call = {
      resourceVersion: query.resourceVersion,
      callback,
      done: doneOnce,
      aborted: () => controller.signal.aborted,
    };
    this.calls.push(call);
    // Like the real Watch, aborting ends the request with an AbortError.
    controller.signal.addEventListener('abort', () => doneOnce(new DOMException('aborted', 'AbortError')), {
      once: true,
    });
    if (this.failNextWith !== undefined) {
      const err = this.failNextWith;
      this.failNextWith = undefined;
      doneOnce(err);
    }
    return controller;
  }

  get last() {
    const call = this.calls.at(-1);
    if (call === undefined) throw new Error('no watch yet');
    return call;
  }
}

function configMap(name: string, resourceVersion: string): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion } };
}

class FakeLister {
  calls = 0;
  items: V1ConfigMap[] = [];
  resourceVersion = '10';
  failNext: Error | undefined;
  gate: Promise<void> | undefined;

  readonly list = async (): Promise<KubernetesListObject<V1ConfigMap>> => {
    this.calls++;
    if (this.gate !== undefined) await this.gate;
    if (this.failNext !== undefined) {
      const err = this.failNext;
      this.failNext = undefined;
      throw err;
    }
    return { metadata: { resourceVersion: this.resourceVersion }, items: [...this.items] };
  };
}

function setup(options: { resyncPeriodMs?: number; delayFn?: (ms: number) => Promise<void> } = {}) {
  const clock = new FakeClock();
  const watch = new FakeWatch();
  const lister = new FakeLister();
  const source = new ListWatch<V1ConfigMap>(
    '/api/v1/namespaces/ns/configmaps',
    watch as unknown as Watch,
    lister.list,
    false,
    undefined,
    undefined,
    { delayFn: options.delayFn ?? (() => Promise.resolve()) },
  );
  const informer = new ResilientInformer<V1ConfigMap>({
    name: 'configmaps',
    source,
    clock,
    ...(options.resyncPeriodMs === undefined ? {} : { resyncPeriodMs: options.resyncPeriodMs }),
  });
  const events: string[] = [];
  informer.addHandlers({
    add: (o) => events.push(`add ${o.metadata?.name}`),
    update: (o) => events.push(`update ${o.metadata?.name}`),
    delete: (o) => events.push(`delete ${o.metadata?.name}`),
    resync: (o) => events.push(`resync ${o.metadata?.name}`),
  });
  return { clock, watch, lister, informer, events };
}

describe('ResilientInformer', () => {
  it('lists, then watches from the list resourceVersion, delivering adds, updates and deletes', async () => {
    const { watch, lister, informer, events } = setup();
    lister.items = [configMap('a', '5')];
    await informer.start();
    expect(informer.hasSynced).toBe(true);
    expect(watch.last.resourceVersion).toBe('10');
    watch.last.callback('ADDED', configMap('b', '11'));
    watch.last.callback('MODIFIED', configMap('a', '12'));
    watch.last.callback('DELETED', configMap('b', '13'));
    expect(events).toEqual(['add a', 'add b', 'update a', 'delete b']);
    expect(informer.get('a', 'ns')?.metadata?.resourceVersion).toBe('12');
    expect(informer.list().map((o) => o.metadata?.name)).toEqual(['a']);
  });

  it('hands update handlers the version it delivered before', async () => {
    const { watch, informer } = setup();
    const pairs: Array<[string | undefined, string | undefined]> = [];
    informer.addHandlers({
      update: (o, old) => pairs.push([o.metadata?.resourceVersion, old?.metadata?.resourceVersion]),
    });
    await informer.start();
    watch.last.callback('ADDED', configMap('a', '11'));
    watch.last.callback('MODIFIED', configMap('a', '12'));
    watch.last.callback('MODIFIED', configMap('a', '13'));
    watch.last.callback('DELETED', configMap('a', '14'));
    watch.last.callback('ADDED', configMap('a', '15'));
    watch.last.callback('MODIFIED', configMap('a', '16'));
    expect(pairs).toEqual([
      ['12', '11'],
      ['13', '12'],
      ['16', '15'],
    ]);
  });

  it('re-lists after 410 Gone without counting it as an error, and reports what changed meanwhile', async () => {
    const { watch, lister, informer, events } = setup();
    lister.items = [configMap('a', '5'), configMap('b', '6')];
    await informer.start();
    // The server says our resourceVersion is too old, then closes the watch.
    lister.items = [configMap('a', '20'), configMap('c', '21')];
    lister.resourceVersion = '22';
    watch.last.callback('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
    watch.last.done(null);
    await flushMicrotasks();
    expect(lister.calls).toBe(2);
    expect(watch.last.resourceVersion).toBe('22');
    expect(events).toEqual(['add a', 'add b', 'delete b', 'update a', 'add c']);
    expect(informer.restarts).toBe(0);
    expect(informer.hasSynced).toBe(true);
  });

  it('re-lists when the watch request itself answers 410', async () => {
    const { watch, lister, informer } = setup();
    await informer.start();
    watch.failNextWith = Object.assign(new Error('Gone'), { statusCode: 410 });
    watch.last.done(null); // server closed the watch; the reopen gets 410, then a re-list
    await flushMicrotasks();
    expect(lister.calls).toBe(2);
    expect(informer.restarts).toBe(0);
  });

  it('restarts after any other watch error with backoff, resuming from the last resourceVersion', async () => {
    const { clock, watch, lister, informer, events } = setup();
    await informer.start();
    watch.last.callback('ADDED', configMap('a', '15'));
    watch.last.done(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await flushMicrotasks();
    expect(informer.hasSynced).toBe(false);
    expect(watch.calls).toHaveLength(1);
    await clock.advance(999);
    expect(watch.calls).toHaveLength(1);
    await clock.advance(1);
    expect(watch.calls).toHaveLength(2);
    expect(watch.last.resourceVersion).toBe('15');
    expect(lister.calls).toBe(1); // resumed, not re-listed
    expect(informer.restarts).toBe(1);
    expect(informer.hasSynced).toBe(true);
    watch.last.callback('MODIFIED', configMap('a', '16'));
    expect(events).toEqual(['add a', 'update a']);
  });

  it('doubles the restart delay while failures repeat, up to the cap, and starts over after a success', async () => {
    const { clock, watch, lister, informer } = setup();
    await informer.start();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      watch.failNextWith = new Error('connection refused');
      if (i === 0) watch.last.done(new Error('connection refused'));
      await flushMicrotasks();
      const due = clock.nextDueAt();
      if (due === undefined) throw new Error('no restart scheduled');
      delays.push(due - clock.now());
      await clock.advance(due - clock.now());
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    // The last restart hit failNextWith again; let the next one succeed.
    watch.failNextWith = undefined;
    await clock.runNext();
    expect(informer.hasSynced).toBe(true);
    watch.last.done(new Error('reset'));
    await flushMicrotasks();
    expect((clock.nextDueAt() ?? 0) - clock.now()).toBe(1000);
    expect(lister.calls).toBe(1);
  });

  it('restarts after a failed list, and lists again', async () => {
    const { clock, watch, lister, informer, events } = setup();
    lister.failNext = new Error('503 Service Unavailable');
    lister.items = [configMap('a', '1')];
    await informer.start();
    expect(informer.hasSynced).toBe(false);
    expect(watch.calls).toHaveLength(0);
    const synced = informer.waitForSync();
    await clock.advance(1000);
    await synced;
    expect(lister.calls).toBe(2);
    expect(events).toEqual(['add a']);
  });

  it('re-delivers every cached object on each resync period', async () => {
    const { clock, lister, informer, events } = setup({ resyncPeriodMs: 60_000 });
    lister.items = [configMap('a', '1'), configMap('b', '2')];
    await informer.start();
    await clock.advance(59_999);
    expect(events).toEqual(['add a', 'add b']);
    await clock.advance(1);
    expect(events).toEqual(['add a', 'add b', 'resync a', 'resync b']);
    await clock.advance(60_000);
    expect(events.filter((e) => e.startsWith('resync'))).toHaveLength(4);
  });

  it('does not restart after stop, though stopping aborts the watch with an error', async () => {
    const { clock, watch, informer } = setup({ resyncPeriodMs: 1000 });
    await informer.start();
    await informer.stop();
    await flushMicrotasks();
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(120_000);
    expect(watch.calls).toHaveLength(1);
    expect(informer.hasSynced).toBe(false);
    expect(informer.isRunning).toBe(false);
  });

  it('does not leave a watch running when stopped while the list is in flight', async () => {
    const { watch, lister, informer } = setup();
    let finishList: () => void = () => {};
    lister.gate = new Promise((resolve) => {
      finishList = resolve;
    });
    const starting = informer.start();
    await flushMicrotasks();
    await informer.stop();
    finishList();
    await starting;
    await flushMicrotasks();
    expect(watch.calls).toHaveLength(1);
    expect(watch.last.aborted()).toBe(true);
    expect(informer.hasSynced).toBe(false);
  });

  it('drops and aborts a watch that ListWatch opens after stop, at the end of its reconnect delay', async () => {
    let endDelay: () => void = () => {};
    const delayFn = () =>
      new Promise<void>((resolve) => {
        endDelay = resolve;
      });
    const { watch, informer, events } = setup({ delayFn });
    await informer.start();
    // Two quiet closes by the server: the second reconnect waits out ListWatch's delay.
    watch.last.done(null);
    await flushMicrotasks();
    watch.last.done(null);
    await flushMicrotasks();
    expect(watch.calls).toHaveLength(2);
    await informer.stop();
    endDelay();
    await flushMicrotasks();
    expect(watch.calls).toHaveLength(3); // client-node opened it regardless
    watch.last.callback('ADDED', configMap('late', '99'));
    await flushMicrotasks();
    expect(events).toEqual([]);
    expect(watch.last.aborted()).toBe(true);
  });

  it('keeps delivering to other handlers when one throws', async () => {
    const { watch, informer, events } = setup();
    informer.addHandlers({
      add: () => {
        throw new Error('handler bug');
      },
    });
    await informer.start();
    watch.last.callback('ADDED', configMap('x', '30'));
    watch.last.callback('ADDED', configMap('y', '31'));
    expect(events).toEqual(['add x', 'add y']);
  });
});
