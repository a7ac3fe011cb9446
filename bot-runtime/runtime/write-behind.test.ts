import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fillRecord } from '../../test/runtime-faults/contract/ledger-contract.ts';
import { FillApplier } from '../recovery/fill-applier.ts';
import { reconcileLedger } from '../recovery/reconcile.ts';
import { FileLedger } from '../store/file-ledger.ts';
import type { Ledger, LedgerBatch } from '../store/ledger.ts';
import { WriteBehind } from './write-behind.ts';

let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

async function journal(): Promise<FileLedger> {
  const dir = await mkdtemp(join(tmpdir(), 'botcore-write-behind-'));
  dirs.push(dir);
  return FileLedger.open(join(dir, 'ledger.jsonl'));
}

/** The ledger with its batches counted, failing the first `failures` of them before they write anything. */
function flaky(ledger: Ledger, failures = 0): { ledger: Ledger; batches: LedgerBatch[] } {
  const batches: LedgerBatch[] = [];
  let left = failures;
  const wrapped = new Proxy(ledger, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (key !== 'recordBatch') return value.bind(target);
      return async (batch: LedgerBatch) => {
        if (left-- > 0) throw new Error('ledger away');
        batches.push(batch);
        return target.recordBatch(batch);
      };
    },
  });
  return { ledger: wrapped, batches };
}

const equity = (t: number) => ({ t, equity: `1.${t}`, currency: 'BTC' });

describe('WriteBehind', () => {
  it('writes steps in order, merging those that wait into one batch, and settles each once durable', async () => {
    const file = await journal();
    const { ledger, batches } = flaky(file);
    const applier = new FillApplier(ledger);
    const writer = new WriteBehind(applier);
    const first = writer.write({ fills: [fillRecord(1)], equity: [equity(1)] });
    const second = writer.write({ fills: [fillRecord(2), fillRecord(1)], equity: [equity(2)] });
    const third = writer.write({ equity: [equity(3)] });
    expect(writer.pending).toBe(3);
    // Each write's fills come back in its own order; fill 1 again is a duplicate.
    expect((await first).map((a) => a.result)).toEqual(['applied']);
    expect((await second).map((a) => a.result)).toEqual(['applied', 'duplicate']);
    expect(await third).toEqual([]);
    await writer.drained();
    expect(writer.pending).toBe(0);
    // All three were handed over before the writer started: one batch, one sync.
    expect(batches).toHaveLength(1);
    const lines = (await readFile(file.path, 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).k)).toEqual([
      'fill',
      'fill',
      'position',
      'equity',
      'equity',
      'equity',
    ]);
    expect(applier.position('ETHBTC')?.fillCount).toBe(2);
    expect((await reconcileLedger(file)).ok).toBe(true);
    await file.close();
  });

  it('retries a failed batch until it lands, holding the next step meanwhile: nothing lost, nothing twice', async () => {
    const file = await journal();
    const { ledger } = flaky(file, 3);
    const errors: unknown[] = [];
    const applier = new FillApplier(ledger);
    const writer = new WriteBehind(applier, { retryDelayMs: 5, onError: (e) => errors.push(e) });
    const written = writer.write({ fills: [fillRecord(1), fillRecord(2)], equity: [equity(1)] });
    expect(writer.room()).toBeUndefined();
    // Wait until the first attempt has failed: from then on the next step is held.
    while (errors.length === 0) await new Promise((r) => setTimeout(r, 1));
    expect(writer.failing).toBe(true);
    expect(writer.holding).toBe(true);
    const room = writer.room();
    expect(room).toBeInstanceOf(Promise);
    expect((await written).map((a) => a.result)).toEqual(['applied', 'applied']);
    await room;
    expect(writer.failing).toBe(false);
    expect(errors).toHaveLength(3);
    const check = await reconcileLedger(file, {
      expectedFillIds: [fillRecord(1).fillId, fillRecord(2).fillId],
    });
    expect(check.mismatches).toEqual([]);
    expect(check.ok).toBe(true);
    expect(applier.position('ETHBTC')?.fillCount).toBe(2);
    await file.close();
  });

  it('holds the next step while as many writes as allowed are waiting', async () => {
    const file = await journal();
    const writer = new WriteBehind(new FillApplier(file), { maxPending: 2 });
    const writes = [writer.write({ equity: [equity(1)] })];
    expect(writer.holding).toBe(false);
    expect(writer.room()).toBeUndefined();
    writes.push(writer.write({ equity: [equity(2)] }));
    // `holding` says so without queueing a waiter (the executor's early match asks it).
    expect(writer.holding).toBe(true);
    const room = writer.room();
    expect(room).toBeInstanceOf(Promise);
    await room;
    expect(writer.holding).toBe(false);
    expect(writer.pending).toBe(0);
    await Promise.all(writes);
    await file.close();
  });

  it('once finishing, gives up a batch that fails instead of retrying it', async () => {
    const file = await journal();
    const { ledger } = flaky(file, Number.POSITIVE_INFINITY);
    const writer = new WriteBehind(new FillApplier(ledger), { retryDelayMs: 5 });
    const written = writer.write({ fills: [fillRecord(1)] });
    const finished = writer.finish();
    await expect(written).rejects.toThrow('ledger away');
    await finished;
    await expect(writer.write({ equity: [equity(1)] })).rejects.toThrow(/finishing/);
    expect(await file.fills()).toEqual([]);
    await file.close();
  });
});
