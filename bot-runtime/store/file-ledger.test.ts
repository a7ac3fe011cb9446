import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillRecord, ledgerContract } from '../../test/runtime-faults/contract/ledger-contract.ts';
import { FillApplier } from '../recovery/fill-applier.ts';
import { reconcileLedger } from '../recovery/reconcile.ts';
import { FileLedger, LedgerCorruptError, LedgerLockedError } from './file-ledger.ts';

async function tempJournal(): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'botcore-ledger-'));
  return {
    path: join(dir, 'state', 'ledger.jsonl'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

ledgerContract('file journal', async () => {
  const { path, remove } = await tempJournal();
  let current = await FileLedger.open(path);
  return {
    ledger: current,
    reopen: async () => {
      await current.close();
      current = await FileLedger.open(path);
      return current;
    },
    close: async () => {
      await current.close();
      await remove();
    },
  };
});

describe('FileLedger journal', () => {
  it('writes one JSON line per new record and none for a duplicate', async () => {
    const { path, remove } = await tempJournal();
    try {
      const ledger = await FileLedger.open(path);
      await ledger.recordFill(fillRecord(1));
      await ledger.recordFill(fillRecord(1));
      await ledger.recordEquity({ t: 1, equity: '1', currency: 'BTC' });
      await ledger.close();
      const lines = (await readFile(path, 'utf8')).split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[2]).toBe('');
      expect(JSON.parse(lines[0]!)).toEqual({ k: 'fill', v: { ...fillRecord(1), seq: 1 } });
    } finally {
      await remove();
    }
  });

  it('cuts off a torn last line, keeps every whole one, and appends after them', async () => {
    const { path, remove } = await tempJournal();
    try {
      const ledger = await FileLedger.open(path);
      await ledger.recordFill(fillRecord(1));
      await ledger.recordFill(fillRecord(2));
      await ledger.close();
      const whole = await readFile(path, 'utf8');
      const torn = `${JSON.stringify({ k: 'fill', v: { ...fillRecord(3), seq: 3 } })}`.slice(0, 40);
      await writeFile(path, whole + torn);
      const reopened = await FileLedger.open(path);
      expect(reopened.repairedBytes).toBe(torn.length);
      expect((await reopened.fills()).map((f) => f.fillId)).toEqual(['o-1:t-1', 'o-1:t-2']);
      await reopened.recordFill(fillRecord(3));
      await reopened.close();
      expect(await readFile(path, 'utf8')).toBe(
        `${whole}${JSON.stringify({ k: 'fill', v: { ...fillRecord(3), seq: 3 } })}\n`,
      );
      const last = await FileLedger.open(path);
      expect((await last.fills()).map((f) => f.seq)).toEqual([1, 2, 3]);
      await last.close();
    } finally {
      await remove();
    }
  });

  it('refuses a journal with a bad line before its end', async () => {
    const { path, remove } = await tempJournal();
    try {
      const ledger = await FileLedger.open(path);
      await ledger.recordFill(fillRecord(1));
      await ledger.close();
      const whole = await readFile(path, 'utf8');
      await writeFile(path, `{"k":"fi\n${whole}`);
      await expect(FileLedger.open(path)).rejects.toBeInstanceOf(LedgerCorruptError);
    } finally {
      await remove();
    }
  });

  it('lets one ledger at a time open a journal, and takes over the lock of a dead process', async () => {
    const { path, remove } = await tempJournal();
    try {
      const first = await FileLedger.open(path);
      await expect(FileLedger.open(path)).rejects.toBeInstanceOf(LedgerLockedError);
      await first.close();
      // A pid that cannot run (beyond pid_max): what a SIGKILLed owner leaves looks like this.
      await writeFile(`${path}.lock`, '2147483646\n');
      const second = await FileLedger.open(path);
      expect(await readFile(`${path}.lock`, 'utf8')).toBe(`${process.pid}\n`);
      await second.close();
    } finally {
      await remove();
    }
  });

  it('compacts superseded position snapshots on open, keeping every current record', async () => {
    const { path, remove } = await tempJournal();
    try {
      const ledger = await FileLedger.open(path);
      const applier = new FillApplier(ledger);
      for (let n = 1; n <= 30; n++)
        await applier.apply(fillRecord(n, { symbol: n % 2 ? 'ETHBTC' : 'LTCBTC' }));
      await ledger.recordEquity({ t: 5, equity: '1.5', currency: 'BTC' });
      await ledger.close();
      const before = (await readFile(path, 'utf8')).split('\n').length - 1;
      expect(before).toBe(61);

      const kept = await FileLedger.open(path, { compactAbove: 100 });
      expect(kept.compactedLines).toBe(0);
      await kept.close();

      const compacted = await FileLedger.open(path, { compactAbove: 10 });
      // 30 fills, 2 latest snapshots, 1 equity point: 28 older snapshots went.
      expect(compacted.compactedLines).toBe(28);
      expect((await readFile(path, 'utf8')).split('\n').length - 1).toBe(33);
      expect((await compacted.fills()).map((f) => f.seq)).toEqual(
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      expect((await reconcileLedger(compacted)).ok).toBe(true);
      expect(await compacted.equity()).toEqual([{ t: 5, equity: '1.5', currency: 'BTC' }]);
      await compacted.recordFill(fillRecord(31));
      await compacted.close();
      const reopened = await FileLedger.open(path);
      expect((await reopened.fills()).at(-1)?.seq).toBe(31);
      await reopened.close();
    } finally {
      await remove();
    }
  });
});
