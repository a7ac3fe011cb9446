import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { fillRecord } from '../../test/runtime-faults/contract/ledger-contract.ts';
import type { ConsumerSpec } from '../bus/bus.ts';
import { InProcessBus } from '../bus/in-process-bus.ts';
import { FileLedger } from '../store/file-ledger.ts';
import type { HotState } from '../store/hot-state.ts';
import type { Ledger } from '../store/ledger.ts';
import { MemoryHotState } from '../store/memory-hot-state.ts';
import type { FillRecord, PositionSnapshot, StoredFill } from '../store/records.ts';
import { FillApplier } from './fill-applier.ts';
import { reconcileLedger } from './reconcile.ts';
import { recover } from './recover.ts';

const consumer: ConsumerSpec = { name: 'executor-ledger', ackWaitMs: 20, maxAckPending: 1 };
let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

async function journal(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'botcore-recover-'));
  dirs.push(dir);
  return join(dir, 'ledger.jsonl');
}

const fills = (n: number, symbol = 'ETHBTC'): FillRecord[] =>
  Array.from({ length: n }, (_, i) => fillRecord(i + 1, { symbol, side: i % 4 === 3 ? 'SELL' : 'BUY' }));

/** Consumes `count` fills the way the live executor does; `crashAfterRecord` stops after the ledger write, before the ack. */
async function consume(bus: InProcessBus, applier: FillApplier, count: number, crashAfterRecord = false) {
  for (let i = 0; i < count; i++) {
    const [d] = await bus.fetchEvents<FillRecord>('fills', consumer, 1, 1000);
    if (!d) throw new Error('no delivery');
    await applier.apply(d.payload);
    if (crashAfterRecord && i === count - 1) return;
    await d.ack();
  }
}

describe('recover', () => {
  it('rebuilds from the ledger and applies the unacknowledged fills exactly once', async () => {
    const path = await journal();
    const bus = new InProcessBus();
    const produced = fills(10);
    for (const f of produced) await bus.publishEvent('fills', f.fillId, f);
    let ledger: Ledger = await FileLedger.open(path);
    // Fill 7 reaches the ledger but the process dies before acking it.
    await consume(bus, new FillApplier(ledger), 7, true);
    await ledger.close();

    ledger = await FileLedger.open(path);
    const hot = new MemoryHotState();
    const report = await recover(ledger, bus, { consumer, hot });
    expect(report).toMatchObject({ fromLedger: 7, replayed: 3, duplicates: 1 });
    expect(await bus.unacknowledged('fills', consumer)).toBe(0);
    const check = await reconcileLedger(ledger, { expectedFillIds: produced.map((f) => f.fillId), hot });
    expect(check).toEqual({
      ok: true,
      fillCount: 10,
      duplicates: [],
      missing: [],
      unexpected: [],
      mismatches: [],
    });
    // Bought 0.1 0.2 0.3 0.5 0.6 0.7 0.9 0.10 (3.4), sold 0.4 and 0.8 (1.2).
    expect(report.applier.position('ETHBTC')?.quantity.toFixed()).toBe('2.2');
    await ledger.close();
  });

  it('repairs a position snapshot the crash left behind its fills', async () => {
    const path = await journal();
    const ledger = await FileLedger.open(path);
    const [a, b] = fills(2);
    await new FillApplier(ledger).apply(a!);
    await ledger.recordFill(b!); // crash before the snapshot of fill 2
    const before = await reconcileLedger(ledger);
    expect(before.ok).toBe(false);
    expect(before.mismatches.map((m) => m.field)).toContain('quantity');
    await recover(ledger, new InProcessBus(), { consumer });
    expect((await reconcileLedger(ledger)).ok).toBe(true);
    await ledger.close();
  });

  it('publishes each position change once per fill seq', async () => {
    const ledger = await FileLedger.open(await journal());
    const bus = new InProcessBus();
    const applier = new FillApplier(ledger, { bus });
    const [a, b] = fills(2);
    await applier.apply(a!);
    await applier.apply(a!);
    await applier.apply(b!);
    const got = await bus.fetchEvents<PositionSnapshot>(
      'positions',
      { name: 'reader', maxAckPending: 9 },
      9,
      0,
    );
    expect(got.map((d) => [d.id, d.payload.quantity])).toEqual([
      ['ETHBTC@1', '0.1'],
      ['ETHBTC@2', '0.3'],
    ]);
    await ledger.close();
  });

  it('keeps applying fills while the hot state fails, and rewrites it when it is back', async () => {
    const ledger = await FileLedger.open(await journal());
    const memory = new MemoryHotState();
    let down = true;
    const errors: unknown[] = [];
    const hot = new Proxy(memory, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          down && key !== 'positions' ? Promise.reject(new Error('redis away')) : value.apply(target, args);
      },
    }) as HotState;
    const applier = new FillApplier(ledger, { hot, onHotStateError: (e) => errors.push(e) });
    const [a, b, c] = fills(3);
    await applier.apply({ ...a!, symbol: 'LTCBTC' });
    await applier.apply(b!);
    expect(errors).toHaveLength(2);
    down = false;
    await applier.apply(c!);
    expect((await memory.positions()).map((p) => [p.symbol, p.quantity])).toEqual([
      ['ETHBTC', '0.5'],
      ['LTCBTC', '0.1'],
    ]);
    expect((await reconcileLedger(ledger, { hot: memory })).ok).toBe(true);
    await ledger.close();
  });

  it('folds a fill once when its write landed but the reply was lost', async () => {
    const ledger = await FileLedger.open(await journal());
    let loseReply = true;
    const lossy = new Proxy(ledger, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        if (key !== 'recordFill') return value.bind(target);
        return async (record: FillRecord) => {
          const result = await target.recordFill(record);
          if (loseReply) {
            loseReply = false;
            throw new Error('connection reset');
          }
          return result;
        };
      },
    }) as Ledger;
    const applier = new FillApplier(lossy);
    const [a] = fills(1);
    await expect(applier.apply(a!)).rejects.toThrow('connection reset');
    // The redelivery finds the fill already recorded, and folds it for the first time.
    expect(await applier.apply(a!)).toBe('applied');
    expect(await applier.apply(a!)).toBe('duplicate');
    expect(applier.position('ETHBTC')?.quantity.toFixed()).toBe('0.1');
    expect((await reconcileLedger(ledger)).ok).toBe(true);
    await ledger.close();
  });

  it('rejects a malformed fill before writing it', async () => {
    const ledger = await FileLedger.open(await journal());
    await expect(new FillApplier(ledger).apply(fillRecord(1, { quantity: '0' }))).rejects.toThrow(
      /INVALID_QUANTITY/,
    );
    expect(await ledger.fills()).toEqual([]);
    await ledger.close();
  });

  it('ends with every fill once whatever the crash points and redeliveries (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom('ETHBTC', 'LTCBTC')), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 4 }),
        async (spec, crashes) => {
          const path = await journal();
          const bus = new InProcessBus();
          const produced = spec.map(([n, symbol], i) =>
            fillRecord(i + 1, { symbol, quantity: `0.${n}`, side: n % 3 === 0 ? 'SELL' : 'BUY' }),
          );
          // Trading in rounds: each round publishes fills (each twice, as a producer retrying
          // after a lost PubAck would), the executor recovers, consumes some and dies right
          // after a ledger write, before its ack.
          const rounds = crashes.length + 1;
          const size = Math.ceil(produced.length / rounds);
          for (let r = 0; r < rounds; r++) {
            const chunk = produced.slice(r * size, (r + 1) * size);
            for (const f of chunk) {
              await bus.publishEvent('fills', f.fillId, f);
              await bus.publishEvent('fills', f.fillId, f);
            }
            const ledger = await FileLedger.open(path);
            const { applier } = await recover(ledger, bus, { consumer, timeoutMs: 30_000 });
            const chunk2 = produced.slice((r + 1) * size, (r + 2) * size);
            for (const f of chunk2) await bus.publishEvent('fills', f.fillId, f);
            const step = Math.min(crashes[r] ?? 0, chunk2.length);
            if (step > 0) await consume(bus, applier, step, true);
            await ledger.close();
          }
          const ledger = await FileLedger.open(path);
          await recover(ledger, bus, { consumer, timeoutMs: 30_000 });
          const check = await reconcileLedger(ledger, { expectedFillIds: produced.map((f) => f.fillId) });
          await ledger.close();
          expect(check.mismatches).toEqual([]);
          expect(check.ok).toBe(true);
          expect(check.fillCount).toBe(produced.length);
        },
      ),
      { numRuns: 20 },
    );
  }, 120_000);
});

describe('reconcileLedger', () => {
  const fake = (stored: StoredFill[], positions: PositionSnapshot[]) =>
    ({ fills: async () => stored, positions: async () => positions }) as unknown as Ledger;

  it('names a fill recorded twice, a missing one and an unexpected one', async () => {
    const [a, b] = fills(2);
    const check = await reconcileLedger(
      fake(
        [
          { ...a!, seq: 1 },
          { ...a!, seq: 2 },
        ],
        [],
      ),
      { expectedFillIds: [b!.fillId] },
    );
    expect(check.ok).toBe(false);
    expect(check.duplicates).toEqual([a!.fillId]);
    expect(check.missing).toEqual([b!.fillId]);
    expect(check.unexpected).toEqual([a!.fillId]);
  });

  it('names a position that differs from the sum of its fills', async () => {
    const ledger = await FileLedger.open(await journal());
    const applier = new FillApplier(ledger);
    for (const f of fills(3)) await applier.apply(f);
    const [stored] = await ledger.positions();
    await ledger.recordPosition({ ...stored!, quantity: '0.7', fillSeq: stored!.fillSeq + 1 });
    const check = await reconcileLedger(ledger);
    expect(check.ok).toBe(false);
    expect(check.mismatches).toContainEqual({
      symbol: 'ETHBTC',
      field: 'quantity',
      expected: '0.6',
      actual: '0.7',
      where: 'ledger',
    });
    await ledger.close();
  });

  it('flags a non-flat position of a symbol that has no fills', async () => {
    const check = await reconcileLedger(
      fake(
        [],
        [
          {
            symbol: 'XRPBTC',
            quote: 'BTC',
            quantity: '1',
            averagePrice: '1',
            realizedPnl: '0',
            boughtQuantity: '1',
            soldQuantity: '0',
            fillCount: 1,
            fillSeq: 1,
            ts: 0,
          },
        ],
      ),
    );
    expect(check.mismatches).toEqual([
      { symbol: 'XRPBTC', field: 'quantity', expected: '0', actual: '1', where: 'ledger' },
    ]);
  });
});

describe('recover while the bus is away', () => {
  it('keeps trying until the deadline, then says what is outstanding and why', async () => {
    const ledger = await FileLedger.open(await journal());
    const away = {
      unacknowledged: async () => Promise.reject(new Error('NATS connection closed')),
    } as unknown as InProcessBus;
    await expect(recover(ledger, away, { consumer, timeoutMs: 300 })).rejects.toThrow(
      /fill messages still unacknowledged after 300 ms \(consumer executor-ledger\) \(last error: NATS connection closed\)/,
    );
    await ledger.close();
  });

  it('finishes once the bus answers again', async () => {
    const ledger = await FileLedger.open(await journal());
    const bus = new InProcessBus();
    const [f] = fills(1);
    await bus.publishEvent('fills', f!.fillId, f);
    let failures = 3;
    const flaky = new Proxy(bus, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          key === 'unacknowledged' && failures-- > 0
            ? Promise.reject(new Error('reconnecting'))
            : value.apply(target, args);
      },
    }) as InProcessBus;
    const report = await recover(ledger, flaky, { consumer, timeoutMs: 10_000 });
    expect(report.replayed).toBe(1);
    await ledger.close();
  });
});
