// The Ledger contract on the MongoDB-protocol server (FerretDB), plus the
// indexes that make the idempotence hold even for concurrent writers.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { fillRecord, ledgerContract } from '../../test/runtime-faults/contract/ledger-contract.ts';
import { MongoLedger } from './mongo-ledger.ts';

const url = () => {
  const value = process.env.MONGODB_URL;
  if (!value) throw new Error('MONGODB_URL is not set: run through the integration project');
  return value;
};

async function dropDatabase(database: string): Promise<void> {
  const client = new MongoClient(url());
  try {
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}

ledgerContract('MongoDB', async () => {
  const database = `ledger_${randomBytes(4).toString('hex')}`;
  let current = await MongoLedger.open({ url: url(), database });
  return {
    ledger: current,
    reopen: async () => {
      await current.close();
      current = await MongoLedger.open({ url: url(), database });
      return current;
    },
    close: async () => {
      await current.close();
      await dropDatabase(database);
    },
  };
});

describe('MongoLedger', () => {
  it('indexes fill seq uniquely and orders events per order uniquely', async () => {
    const database = `ledger_${randomBytes(4).toString('hex')}`;
    const ledger = await MongoLedger.open({ url: url(), database });
    try {
      const fillIndexes = await ledger.client.db(database).collection('fills').indexes();
      expect(fillIndexes.find((i) => i.name === 'seq_unique')).toMatchObject({
        key: { seq: 1 },
        unique: true,
      });
      const eventIndexes = await ledger.client.db(database).collection('order_events').indexes();
      expect(eventIndexes.find((i) => i.name === 'order_index_unique')?.unique).toBe(true);
    } finally {
      await ledger.close();
      await dropDatabase(database);
    }
  });

  it('moves past a seq that another writer took after this one read the highest', async () => {
    const database = `ledger_${randomBytes(4).toString('hex')}`;
    const a = await MongoLedger.open({ url: url(), database });
    const b = await MongoLedger.open({ url: url(), database });
    try {
      // Both read highest seq 0; a takes 1, then b's first attempt collides on seq 1.
      expect(await a.recordFill(fillRecord(1))).toEqual({ seq: 1, inserted: true });
      const second = await b.recordFill(fillRecord(2));
      expect(second.inserted).toBe(true);
      expect(second.seq).toBeGreaterThan(1);
      expect((await a.fills()).map((f) => f.fillId)).toEqual(['o-1:t-1', 'o-1:t-2']);
    } finally {
      await a.close();
      await b.close();
      await dropDatabase(database);
    }
  });
});
