// The MongoDB-protocol server is real and usable from the mongodb driver:
// inserts, a unique index that rejects duplicates, and filtered, sorted queries.
import { randomBytes } from 'node:crypto';
import { type Db, MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface FillDocument {
  fillId: string;
  symbol: string;
  price: string;
  quantity: string;
  at: Date;
}

describe('MongoDB protocol server', () => {
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    client = new MongoClient(process.env.MONGODB_URL as string, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    db = client.db(`smoke_${randomBytes(3).toString('hex')}`);
  });
  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  });

  it('inserts, indexes uniquely and queries', async () => {
    const fills = db.collection<FillDocument>('fills');
    await fills.createIndex({ fillId: 1 }, { unique: true, name: 'fillId_unique' });
    const at = (minute: number) => new Date(Date.UTC(2018, 0, 10, 0, minute));
    await fills.insertMany([
      { fillId: 'f1', symbol: 'ETH/BTC', price: '0.0984', quantity: '1', at: at(0) },
      { fillId: 'f2', symbol: 'LTC/BTC', price: '0.0161', quantity: '4', at: at(5) },
      { fillId: 'f3', symbol: 'ETH/BTC', price: '0.0991', quantity: '0.5', at: at(10) },
    ]);

    const duplicate = await fills
      .insertOne({ fillId: 'f1', symbol: 'ETH/BTC', price: '1', quantity: '1', at: at(20) })
      .catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(MongoServerError);
    expect((duplicate as MongoServerError).code).toBe(11000);

    const eth = await fills
      .find({ symbol: 'ETH/BTC' }, { sort: { at: -1 }, projection: { _id: 0, fillId: 1 } })
      .toArray();
    expect(eth).toEqual([{ fillId: 'f3' }, { fillId: 'f1' }]);
    const indexes = await fills.indexes();
    expect(indexes.find((i) => i.name === 'fillId_unique')?.unique).toBe(true);
  });

  it('applies an idempotent upsert once', async () => {
    const orders = db.collection('orders');
    for (let attempt = 0; attempt < 3; attempt++) {
      await orders.updateOne(
        { _id: 'o-1' as never },
        { $setOnInsert: { status: 'submitted' } },
        { upsert: true },
      );
    }
    expect(await orders.countDocuments({})).toBe(1);
  });
});
