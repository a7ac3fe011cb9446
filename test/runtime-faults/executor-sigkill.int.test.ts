// The executor killed with SIGKILL in the middle of a stream of fills and
// started again: afterwards the ledger holds every fill exactly once and every
// position equals the sum of its fills — on NATS + MongoDB + Redis (pods) and
// on the in-process bus + file journal (`botcore run`).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { reconcileLedger } from '../../bot-runtime/recovery/reconcile.ts';
import { FileLedger } from '../../bot-runtime/store/file-ledger.ts';
import type { Ledger } from '../../bot-runtime/store/ledger.ts';
import { MongoLedger } from '../../bot-runtime/store/mongo-ledger.ts';
import { RedisHotState } from '../../bot-runtime/store/redis-hot-state.ts';
import { freshAddress, removeBot, serverUrl, streamFills } from './harness.ts';

const TOTAL = 150;
const WRITER = join(import.meta.dirname, 'fill-writer.ts');

interface Run {
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  waitFor(predicate: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startWriter(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [WRITER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const events: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    events.push(JSON.parse(line) as Record<string, unknown>);
    for (const l of listeners) l();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const l of listeners) l();
    });
  });
  return {
    child,
    events,
    exited,
    stderr: () => stderr,
    waitFor: (predicate) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (found) {
            listeners.delete(check);
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            listeners.delete(check);
            reject(new Error(`the writer exited (${child.exitCode ?? child.signalCode}) first:\n${stderr}`));
          }
        };
        listeners.add(check);
        check();
      }),
  };
}

const appliedAtLeast = (n: number) => (e: Record<string, unknown>) =>
  e.event === 'applied' && (e.count as number) >= n;

const HOLDS = [TOTAL / 3, (2 * TOTAL) / 3];

/**
 * Runs the writer, SIGKILLs it as it holds the ack of fill `holds[0]`, starts
 * it again (it recovers, goes on, and is killed at `holds[1]`), and so on; the
 * last run finishes. Returns, per kill, what was applied before it and what
 * the next run recovered.
 */
async function killRepeatedly(env: Record<string, string>) {
  const restarts: { appliedBeforeKill: number; recovered: Record<string, unknown> }[] = [];
  for (const [i, hold] of HOLDS.entries()) {
    const run = startWriter({ ...env, FAULT_HOLD_AT: String(hold) });
    const recovered = await run.waitFor((e) => e.event === 'recovered');
    if (i > 0) restarts[i - 1]!.recovered = recovered;
    await run.waitFor(appliedAtLeast(hold));
    run.child.kill('SIGKILL');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const appliedBeforeKill = Math.max(
      ...run.events.filter((e) => e.event === 'applied').map((e) => e.count as number),
    );
    expect(appliedBeforeKill).toBe(hold);
    restarts.push({ appliedBeforeKill, recovered: {} });
  }
  const last = startWriter({ ...env, FAULT_HOLD_AT: '0' });
  restarts.at(-1)!.recovered = await last.waitFor((e) => e.event === 'recovered');
  await last.waitFor((e) => e.event === 'done');
  expect(await last.exited).toEqual({ code: 0, signal: null });
  return restarts;
}

const expectedIds = streamFills(TOTAL).map((f) => f.fillId);

describe('executor killed with SIGKILL mid-stream, twice', () => {
  it('on NATS, MongoDB and Redis: no fill lost or counted twice', async () => {
    const address = freshAddress('sigkill');
    const database = `faults_${randomBytes(4).toString('hex')}`;
    try {
      const restarts = await killRepeatedly({
        FAULT_MODE: 'nats',
        FAULT_BOT: address.bot,
        FAULT_DATABASE: database,
        FAULT_TOTAL: String(TOTAL),
        FAULT_DELAY_MS: '5',
      });
      // After each kill, everything applied before it was in the ledger when the next run
      // started, and the fill whose ack the kill cut off came back from JetStream and was
      // dropped as a duplicate.
      for (const { appliedBeforeKill, recovered } of restarts) {
        expect(recovered.fromLedger).toBe(appliedBeforeKill);
        expect(recovered.duplicates).toBe(1);
      }

      const ledger: Ledger = await MongoLedger.open({ url: serverUrl('MONGODB_URL'), database });
      const hot = new RedisHotState({ url: serverUrl('REDIS_URL'), address });
      await hot.ready();
      try {
        const check = await reconcileLedger(ledger, { expectedFillIds: expectedIds, hot });
        expect(check).toEqual({
          ok: true,
          fillCount: TOTAL,
          duplicates: [],
          missing: [],
          unexpected: [],
          mismatches: [],
        });
        expect((await ledger.positions()).map((p) => p.symbol).sort()).toEqual([
          'ETHBTC',
          'LTCBTC',
          'XRPBTC',
        ]);
      } finally {
        await ledger.close();
        await hot.close();
      }
    } finally {
      await removeBot(address, database);
    }
  });

  it('standalone (in-process bus, file journal): state survives the kill', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'botcore-sigkill-'));
    const path = join(dir, 'ledger.jsonl');
    try {
      const restarts = await killRepeatedly({
        FAULT_MODE: 'standalone',
        FAULT_BOT: 'standalone',
        FAULT_LEDGER: path,
        FAULT_TOTAL: String(TOTAL),
        FAULT_DELAY_MS: '2',
      });
      // The in-process streams died with each process; the journal kept every applied fill.
      for (const { appliedBeforeKill, recovered } of restarts) {
        expect(recovered).toMatchObject({ fromLedger: appliedBeforeKill, replayed: 0, duplicates: 0 });
      }
      const ledger = await FileLedger.open(path);
      try {
        const check = await reconcileLedger(ledger, { expectedFillIds: expectedIds });
        expect(check.mismatches).toEqual([]);
        expect(check).toMatchObject({ ok: true, fillCount: TOTAL });
      } finally {
        await ledger.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
