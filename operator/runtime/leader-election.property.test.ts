// Property: however time passes and whichever replica loses the API server
// (and for how long), or shuts down and comes back as a new candidate, two
// replicas never lead at the same instant; and once both reach the server
// again for long enough, exactly one leads.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.ts';
import { LeaderElector } from './leader-election.ts';
import { InMemoryLeaseStore, type LeaseRecord, type LeaseStore, type StoredLease } from './lease-store.ts';

class PartitionableStore implements LeaseStore {
  readonly description = 'memory/leader';
  down = false;
  readonly #inner: LeaseStore;
  constructor(inner: LeaseStore) {
    this.#inner = inner;
  }
  #check(): void {
    if (this.down) throw new Error('ECONNREFUSED');
  }
  async get(): Promise<StoredLease | undefined> {
    this.#check();
    return this.#inner.get();
  }
  async create(record: LeaseRecord): Promise<StoredLease> {
    this.#check();
    return this.#inner.create(record);
  }
  async update(record: LeaseRecord, version: string): Promise<StoredLease> {
    this.#check();
    return this.#inner.update(record, version);
  }
}

type Op =
  | { kind: 'advance'; ms: number }
  | { kind: 'partition'; replica: 0 | 1 }
  | { kind: 'heal'; replica: 0 | 1 }
  | { kind: 'restart'; replica: 0 | 1 };

const replicaArb = fc.constantFrom(0 as const, 1 as const);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 20_000 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('partition' as const), replica: replicaArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('heal' as const), replica: replicaArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), replica: replicaArb }) },
);

const timing = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

describe('LeaderElector properties', () => {
  it('never lets two replicas lead at once, and elects one once the partitions heal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 3, maxLength: 30 }), async (ops) => {
        const clock = new FakeClock();
        const lease = new InMemoryLeaseStore();
        const stores = [new PartitionableStore(lease), new PartitionableStore(lease)] as const;
        let generation = 0;
        const make = (i: 0 | 1) =>
          new LeaderElector({ store: stores[i], identity: `replica-${i}-${generation++}`, clock, ...timing });
        const electors: LeaderElector[] = [make(0), make(1)];
        for (const e of electors) e.start();

        const checkSafety = (): void => {
          expect(electors.filter((e) => e.isLeader).length).toBeLessThanOrEqual(1);
        };
        // Step time in small increments so every instant in between is checked.
        const advance = async (ms: number): Promise<void> => {
          for (let left = ms; left > 0; left -= 250) {
            await clock.advance(Math.min(250, left));
            checkSafety();
          }
        };

        for (const op of ops) {
          switch (op.kind) {
            case 'advance':
              await advance(op.ms);
              break;
            case 'partition':
              stores[op.replica].down = true;
              break;
            case 'heal':
              stores[op.replica].down = false;
              break;
            case 'restart': {
              const stopping = electors[op.replica]!.stop();
              await clock.advance(timing.renewDeadlineMs); // a release against a down store times out
              await stopping;
              const fresh = make(op.replica);
              electors[op.replica] = fresh;
              fresh.start();
              break;
            }
          }
          checkSafety();
        }

        for (const store of stores) store.down = false;
        await advance(timing.leaseDurationMs + 2 * timing.retryPeriodMs + 1_000);
        expect(electors.filter((e) => e.isLeader)).toHaveLength(1);
        for (const e of electors) {
          const stopping = e.stop();
          await clock.advance(timing.renewDeadlineMs);
          await stopping;
        }
      }),
      { numRuns: 100 },
    );
  });
});
