// The ledger in MongoDB (FerretDB in tests). No multi-document transactions:
// every document is written on its own, idempotently by a natural key in
// `_id` (upsert with `$setOnInsert`), and readers derive nothing from two
// documents having been written together. The consistency argument is in
// docs/state.md: fills are the truth, positions are a cache of their fold
// that carries the seq of the last fill it includes.
import {
  type AnyBulkWriteOperation,
  type Collection,
  type Db,
  MongoBulkWriteError,
  MongoClient,
  type MongoClientOptions,
  MongoServerError,
} from 'mongodb';
import type { Ledger, LedgerBatch, RecordedFill } from './ledger.ts';
import type {
  EquityPointRecord,
  FillRecord,
  OrderEventRecord,
  OrderRecord,
  PositionSnapshot,
  StoredFill,
} from './records.ts';

const DUPLICATE_KEY = 11000;

type Doc<T> = T & { _id: string | number };

export interface MongoLedgerOptions {
  readonly url: string;
  /** One database per bot, e.g. `botcore_<namespace>_<bot>`. */
  readonly database: string;
  readonly client?: MongoClientOptions;
}

export class MongoLedger implements Ledger {
  readonly client: MongoClient;
  readonly #db: Db;
  readonly #orders: Collection<Doc<OrderRecord>>;
  readonly #events: Collection<Doc<OrderEventRecord>>;
  readonly #fills: Collection<Doc<StoredFill>>;
  readonly #positions: Collection<Doc<PositionSnapshot>>;
  readonly #equity: Collection<Doc<EquityPointRecord>>;
  #lastSeq: number;
  readonly #ownsClient: boolean;

  private constructor(client: MongoClient, db: Db, lastSeq: number, ownsClient: boolean) {
    this.client = client;
    this.#db = db;
    this.#orders = db.collection('orders');
    this.#events = db.collection('order_events');
    this.#fills = db.collection('fills');
    this.#positions = db.collection('positions');
    this.#equity = db.collection('equity');
    this.#lastSeq = lastSeq;
    this.#ownsClient = ownsClient;
  }

  /**
   * Connects, ensures the indexes, and reads the highest fill seq. The executor
   * is the bot's single writer, so it numbers fills from there in memory.
   */
  static async open(options: MongoLedgerOptions): Promise<MongoLedger> {
    const client = new MongoClient(options.url, {
      serverSelectionTimeoutMS: 5000,
      connectTimeoutMS: 5000,
      ...options.client,
    });
    await client.connect();
    try {
      return await MongoLedger.fromClient(client, options.database, true);
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  static async fromClient(client: MongoClient, database: string, ownsClient = false): Promise<MongoLedger> {
    const db = client.db(database);
    await db.collection('fills').createIndex({ seq: 1 }, { unique: true, name: 'seq_unique' });
    await db
      .collection('order_events')
      .createIndex({ orderId: 1, index: 1 }, { unique: true, name: 'order_index_unique' });
    const last = await db
      .collection<Doc<StoredFill>>('fills')
      .find({}, { sort: { seq: -1 }, limit: 1, projection: { seq: 1 } })
      .toArray();
    return new MongoLedger(client, db, last[0]?.seq ?? 0, ownsClient);
  }

  async #insertOnce<T extends object>(
    collection: Collection<Doc<T>>,
    id: string | number,
    doc: T,
  ): Promise<boolean> {
    try {
      const result = await collection.updateOne(
        { _id: id } as never,
        { $setOnInsert: doc as never },
        { upsert: true },
      );
      return result.upsertedCount === 1;
    } catch (error) {
      // Two writers upserting the same new _id at once: one wins, the other finds it there.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /**
   * Two or three rounds of writes instead of one per record: the orders and
   * their events (one bulk write each), then the fills (one by one: each takes
   * the next seq), then the snapshots and equity points (together). The fills
   * go out with the orders and events when none of them fills an order of the
   * batch (the usual case: a paper order fills on a later candle); an order's
   * record is never behind its fill.
   */
  async recordBatch(batch: LedgerBatch): Promise<readonly RecordedFill[]> {
    const fills = batch.fills ?? [];
    const orders = batch.orders ?? [];
    const writeOrders = () =>
      Promise.all([
        this.#insertAllOnce(
          this.#orders,
          orders.map((o) => [o.orderId, o] as const),
        ),
        this.#insertAllOnce(
          this.#events,
          (batch.events ?? []).map((e) => [e.eventId, e] as const),
        ),
      ]);
    const writeFills = async () => {
      const recorded: RecordedFill[] = [];
      for (const fill of fills) recorded.push(await this.recordFill(fill));
      return recorded;
    };
    const placed = new Set(orders.map((o) => o.orderId));
    let recorded: RecordedFill[];
    if (fills.some((f) => placed.has(f.orderId))) {
      await writeOrders();
      recorded = await writeFills();
    } else {
      [, recorded] = await Promise.all([writeOrders(), writeFills()]);
    }
    const seqs = new Map(fills.map((f, i) => [f.fillId, recorded[i]!.seq]));
    const seqOf = (fillId: string) => {
      const seq = seqs.get(fillId);
      if (seq === undefined) throw new Error(`position after fill ${fillId}, which is not in the batch`);
      return seq;
    };
    await Promise.all([
      this.#replaceSnapshots(batch.positions?.(seqOf) ?? []),
      this.#insertAllOnce(
        this.#equity,
        (batch.equity ?? []).map((p) => [p.t, p] as const),
      ),
    ]);
    return recorded;
  }

  /** `#insertOnce` for many documents in one bulk write (unordered: each is independent). */
  async #insertAllOnce<T extends object>(
    collection: Collection<Doc<T>>,
    docs: readonly (readonly [string | number, T])[],
  ): Promise<void> {
    if (docs.length === 0) return;
    const ops = docs.map(
      ([id, doc]) =>
        ({
          updateOne: { filter: { _id: id }, update: { $setOnInsert: doc }, upsert: true },
        }) as AnyBulkWriteOperation<Doc<T>>,
    );
    await bulkIgnoringDuplicates(collection, ops);
  }

  async #replaceSnapshots(snapshots: readonly PositionSnapshot[]): Promise<void> {
    if (snapshots.length === 0) return;
    const ops = snapshots.map(
      (snapshot) =>
        ({
          updateOne: { ...snapshotUpsert(snapshot), upsert: true },
        }) as AnyBulkWriteOperation<Doc<PositionSnapshot>>,
    );
    await bulkIgnoringDuplicates(this.#positions, ops);
  }

  recordOrder(order: OrderRecord): Promise<boolean> {
    return this.#insertOnce(this.#orders, order.orderId, order);
  }

  recordOrderEvent(event: OrderEventRecord): Promise<boolean> {
    return this.#insertOnce(this.#events, event.eventId, event);
  }

  async recordFill(fill: FillRecord): Promise<RecordedFill> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const seq = ++this.#lastSeq;
      if (await this.#insertOnce(this.#fills, fill.fillId, { ...fill, seq })) return { seq, inserted: true };
      const existing = await this.#fills.findOne({ _id: fill.fillId }, { projection: { seq: 1 } });
      if (existing) return { seq: existing.seq, inserted: false };
      // The seq was taken (a write of a previous process landed after we read the highest): move past it.
      this.#lastSeq = Math.max(this.#lastSeq, await this.#highestSeq());
    }
    throw new Error(`fill ${fill.fillId} could not be given a free seq`);
  }

  async #highestSeq(): Promise<number> {
    const last = await this.#fills
      .find({}, { sort: { seq: -1 }, limit: 1, projection: { seq: 1 } })
      .toArray();
    return last[0]?.seq ?? 0;
  }

  async recordPosition(snapshot: PositionSnapshot): Promise<boolean> {
    try {
      const { filter, update } = snapshotUpsert(snapshot);
      const result = await this.#positions.updateOne(filter, update, { upsert: true });
      return result.modifiedCount + result.upsertedCount === 1;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  recordEquity(point: EquityPointRecord): Promise<boolean> {
    return this.#insertOnce(this.#equity, point.t, point);
  }

  async hasFill(fillId: string): Promise<boolean> {
    return (await this.#fills.countDocuments({ _id: fillId }, { limit: 1 })) > 0;
  }

  async fills(): Promise<StoredFill[]> {
    const docs = await this.#fills.find({}, { sort: { seq: 1 } }).toArray();
    return docs.map(strip);
  }

  async orders(): Promise<OrderRecord[]> {
    return (await this.#orders.find({}, { sort: { ts: 1, _id: 1 } }).toArray()).map(strip);
  }

  async orderEvents(orderId: string): Promise<OrderEventRecord[]> {
    return (await this.#events.find({ orderId }, { sort: { index: 1 } }).toArray()).map(strip);
  }

  async positions(): Promise<PositionSnapshot[]> {
    return (await this.#positions.find({}, { sort: { _id: 1 } }).toArray()).map(strip);
  }

  async equity(from?: number, to?: number): Promise<EquityPointRecord[]> {
    const t: Record<string, number> = {};
    if (from !== undefined) t.$gte = from;
    if (to !== undefined) t.$lt = to;
    const filter = Object.keys(t).length > 0 ? { t } : {};
    return (await this.#equity.find(filter as never, { sort: { t: 1 } }).toArray()).map(strip);
  }

  async ping(): Promise<void> {
    const reply = await this.#db.command({ ping: 1 });
    if (reply.ok !== 1) throw new Error(`MongoDB ping answered ${JSON.stringify(reply)}`);
  }

  async close(): Promise<void> {
    if (this.#ownsClient) await this.client.close();
  }
}

function strip<T>(doc: Doc<T>): T {
  const { _id, ...rest } = doc as Doc<T> & Record<string, unknown>;
  return rest as T;
}

/** Replaces only an older snapshot of the symbol; if a newer one is there, the upsert's insert hits the _id. */
function snapshotUpsert(snapshot: PositionSnapshot) {
  return { filter: { _id: snapshot.symbol, fillSeq: { $lt: snapshot.fillSeq } }, update: { $set: snapshot } };
}

/** An upsert that finds its `_id` taken (already there, or a newer snapshot) is what idempotence expects. */
async function bulkIgnoringDuplicates<T extends object>(
  collection: Collection<T>,
  ops: AnyBulkWriteOperation<T>[],
): Promise<void> {
  try {
    await collection.bulkWrite(ops, { ordered: false });
  } catch (error) {
    if (error instanceof MongoBulkWriteError) {
      const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (errors.length > 0 && errors.every((e) => e.code === DUPLICATE_KEY)) return;
    }
    throw error;
  }
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}
