import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { fillRecord } from '../../test/runtime-faults/contract/ledger-contract.ts';
import { recover } from '../recovery/recover.ts';
import { ledgerDatabase, openStandaloneState } from './runtime-state.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('openStandaloneState', () => {
  it('keeps the ledger across a restart and watches it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'botcore-state-'));
    const first = await openStandaloneState(dir, { registry: new Registry() });
    expect(first.monitor.canOpenPositions()).toBe(true);
    const { applier } = await recover(first.ledger!, first.bus);
    await applier.apply(fillRecord(1));
    await first.close();

    const second = await openStandaloneState(dir, { registry: new Registry() });
    const again = await recover(second.ledger!, second.bus);
    expect(again.fromLedger).toBe(1);
    expect(again.applier.position('ETHBTC')?.quantity.toFixed()).toBe('0.1');
    await second.close();
  });
});

describe('ledgerDatabase', () => {
  it('names a database per bot within MongoDB limits', () => {
    expect(ledgerDatabase({ namespace: 'trading', bot: 'eth-rsi' })).toBe('botcore_trading_eth-rsi');
    const long = ledgerDatabase({ namespace: 'n'.repeat(63), bot: 'b'.repeat(40) });
    expect(long).toMatch(/^botcore_[0-9a-f]{40}$/);
    expect(long).not.toBe(ledgerDatabase({ namespace: 'n'.repeat(63), bot: 'c'.repeat(40) }));
  });
});
