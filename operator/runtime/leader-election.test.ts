import { describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from './fake-clock.ts';
import { LeaderElector, type LeaderElectorOptions } from './leader-election.ts';
import { InMemoryLeaseStore, type LeaseRecord, type LeaseStore, type StoredLease } from './lease-store.ts';

/** Wraps a store so a test can make the API server unreachable for one replica. */
class FlakyStore implements LeaseStore {
  readonly description: string;
  down = false;
  readonly #inner: LeaseStore;
  constructor(inner: LeaseStore) {
    this.#inner = inner;
    this.description = inner.description;
  }
  #check(): void {
    if (this.down) throw new Error('connect ECONNREFUSED');
  }
  async get(): Promise<StoredLease | undefined> {
    this.#check();
    return this.#inner.get();
  }
  async create(record: LeaseRecord): Promise<StoredLease> {
    this.#check();
    return this.#inner.create(record);
  }
  async update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease> {
    this.#check();
    return this.#inner.update(record, resourceVersion);
  }
}

const timing = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

function replica(
  name: string,
  store: LeaseStore,
  clock: FakeClock,
  log: string[],
  extra: Partial<LeaderElectorOptions> = {},
) {
  return new LeaderElector({
    store,
    identity: name,
    clock,
    ...timing,
    onStartedLeading: () => {
      log.push(`${name} started`);
    },
    onStoppedLeading: () => {
      log.push(`${name} stopped`);
    },
    ...extra,
  });
}

describe('LeaderElector', () => {
  it('creates the lease when none exists and leads, renewing it every retry period', async () => {
    const clock = new FakeClock();
    const store = new InMemoryLeaseStore();
    const log: string[] = [];
    const a = replica('a', store, clock, log);
    a.start();
    await clock.advance(0);
    expect(a.isLeader).toBe(true);
    expect(log).toEqual(['a started']);
    const first = await store.get();
    expect(first?.record).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    await clock.advance(2_000);
    const renewed = await store.get();
    expect(renewed?.record.renewTime?.getTime()).toBe(clock.now());
    expect(renewed?.record.acquireTime?.getTime()).toBe(first?.record.acquireTime?.getTime());
    expect(Number(renewed?.resourceVersion)).toBeGreaterThan(Number(first?.resourceVersion));
    await a.stop();
  });

  it('lets only one of two replicas lead at any time', async () => {
    const clock = new FakeClock();
    const store = new InMemoryLeaseStore();
    const log: string[] = [];
    const a = replica('a', store, clock, log);
    const b = replica('b', store, clock, log);
    a.start();
    b.start();
    for (let i = 0; i < 50; i++) {
      await clock.advance(500);
      expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
    }
    expect(log).toEqual(['a started']);
    expect(b.observedLeader).toBe('a');
    await Promise.all([a.stop(), b.stop()]);
  });

  it('hands over within one retry period when the leader stops and releases the lease', async () => {
    const clock = new FakeClock();
    const store = new InMemoryLeaseStore();
    const log: string[] = [];
    const a = replica('a', store, clock, log);
    const b = replica('b', store, clock, log);
    a.start();
    await clock.advance(0);
    b.start();
    await clock.advance(4_000);
    await a.stop();
    expect((await store.get())?.record.holderIdentity).toBe('');
    expect(a.isLeader).toBe(false);
    await clock.advance(2_000);
    expect(b.isLeader).toBe(true);
    expect(log).toEqual(['a started', 'a stopped', 'b started']);
    expect((await store.get())?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.stop();
  });

  it('finishes onStoppedLeading (draining work) before it releases the lease', async () => {
    const clock = new FakeClock();
    const store = new InMemoryLeaseStore();
    const holderWhileStopping: string[] = [];
    const a = new LeaderElector({
      store,
      identity: 'a',
      clock,
      ...timing,
      onStoppedLeading: async () => {
        holderWhileStopping.push((await store.get())?.record.holderIdentity ?? 'none');
      },
    });
    a.start();
    await clock.advance(0);
    await a.stop();
    expect(holderWhileStopping).toEqual(['a']);
    expect((await store.get())?.record.holderIdentity).toBe('');
  });

  it('takes over a lease whose holder vanished only after the lease duration, measured on its own clock', async () => {
    const clock = new FakeClock();
    const inner = new InMemoryLeaseStore();
    const aStore = new FlakyStore(inner);
    const log: string[] = [];
    const a = replica('a', aStore, clock, log);
    a.start();
    await clock.advance(0);
    // The leader's process freezes: it neither renews nor steps down.
    aStore.down = true;
    const b = replica('b', inner, clock, log);
    b.start();
    await clock.advance(14_000);
    expect(b.isLeader).toBe(false);
    await clock.advance(2_000);
    expect(b.isLeader).toBe(true);
    expect((await inner.get())?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.stop();
  });

  it('stops leading when it cannot renew before the renew deadline, before the lease expires for others', async () => {
    const clock = new FakeClock();
    const inner = new InMemoryLeaseStore();
    const aStore = new FlakyStore(inner);
    const log: string[] = [];
    const a = replica('a', aStore, clock, log);
    a.start();
    await clock.advance(0);
    const lastRenew = clock.now();
    aStore.down = true;
    await clock.advance(8_000);
    expect(a.isLeader).toBe(true);
    await clock.advance(2_000);
    expect(a.isLeader).toBe(false);
    expect(clock.now() - lastRenew).toBeLessThan(timing.leaseDurationMs);
    expect(log).toEqual(['a started', 'a stopped']);
    // Back online, with the lease still its own, it leads again.
    aStore.down = false;
    await clock.advance(2_000);
    expect(a.isLeader).toBe(true);
    expect(log).toEqual(['a started', 'a stopped', 'a started']);
    await a.stop();
  });

  it('steps down at its renew deadline even when the API server never answers', async () => {
    const clock = new FakeClock();
    const inner = new InMemoryLeaseStore();
    let hang = false;
    const hanging: LeaseStore = {
      description: inner.description,
      get: () => (hang ? new Promise(() => {}) : inner.get()),
      create: (r) => inner.create(r),
      update: (r, v) => (hang ? new Promise(() => {}) : inner.update(r, v)),
    };
    const log: string[] = [];
    const a = replica('a', hanging, clock, log);
    a.start();
    await clock.advance(0);
    expect(a.isLeader).toBe(true);
    hang = true;
    await clock.advance(9_999);
    expect(a.isLeader).toBe(true);
    await clock.advance(1);
    expect(a.isLeader).toBe(false);
    expect(log).toEqual(['a started', 'a stopped']);
    // Stopping does not wait for ever on a hung release either.
    const stopping = a.stop();
    await clock.advance(10_000);
    await stopping;
  });

  it('steps down at once when it sees another holder', async () => {
    const clock = new FakeClock();
    const store = new InMemoryLeaseStore();
    const log: string[] = [];
    const a = replica('a', store, clock, log);
    a.start();
    await clock.advance(0);
    const current = await store.get();
    if (current === undefined) throw new Error('no lease');
    await store.update({ ...current.record, holderIdentity: 'intruder' }, current.resourceVersion);
    await clock.advance(2_000);
    expect(a.isLeader).toBe(false);
    expect(a.observedLeader).toBe('intruder');
    await a.stop();
    // It does not release a lease that is not its own.
    expect((await store.get())?.record.holderIdentity).toBe('intruder');
  });

  it('uses optimistic concurrency: of two candidates racing for a free lease, exactly one wins', async () => {
    const clock = new FakeClock();
    const store = new InMemoryLeaseStore();
    const a = replica('a', store, clock, []);
    const b = replica('b', store, clock, []);
    const outcomes = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
    expect(outcomes.filter((o) => o === 'acquired')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(1);
    // And again on a released lease, through update rather than create.
    const winner = outcomes[0] === 'acquired' ? a : b;
    winner.start();
    await clock.advance(0);
    await winner.stop();
    const again = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
    expect(again.filter((o) => o === 'acquired')).toHaveLength(1);
    await flushMicrotasks();
  });

  it('rejects timings that would let two replicas lead', () => {
    const store = new InMemoryLeaseStore();
    expect(
      () => new LeaderElector({ store, identity: 'a', leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }),
    ).toThrow(RangeError);
    expect(
      () => new LeaderElector({ store, identity: 'a', renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }),
    ).toThrow(RangeError);
    expect(() => new LeaderElector({ store, identity: '' })).toThrow(RangeError);
  });
});
