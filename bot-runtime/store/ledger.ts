// The durable record of a bot: orders and their events, fills, position
// snapshots and the equity curve. Every write is idempotent by its key (order
// id, event id, fill id, symbol + fill seq, time), so a retry, a redelivered
// message or a replay after a crash never counts anything twice. Two
// adapters: MongoDB between pods (mongo-ledger.ts), a fsync'd JSON-lines
// journal for `botcore run` (file-ledger.ts). docs/state.md has the argument.
import type {
  EquityPointRecord,
  FillRecord,
  OrderEventRecord,
  OrderRecord,
  PositionSnapshot,
  StoredFill,
} from './records.ts';

export interface RecordedFill {
  /** The fill's ledger seq (the original's, for a duplicate). */
  readonly seq: number;
  /** False when the fill id was already recorded (nothing changed). */
  readonly inserted: boolean;
}

/**
 * One step's records, written in this order: orders, order events, fills,
 * position snapshots, equity points. Each record is idempotent by its key, as
 * in the single writes; the batch only saves syncs and round trips.
 */
export interface LedgerBatch {
  readonly orders?: readonly OrderRecord[];
  readonly events?: readonly OrderEventRecord[];
  readonly fills?: readonly FillRecord[];
  /**
   * The snapshots to write after the fills, made once the fills have their
   * seqs (a snapshot names the seq of the last fill it includes).
   */
  readonly positions?: (seqOf: (fillId: string) => number) => readonly PositionSnapshot[];
  readonly equity?: readonly EquityPointRecord[];
}

export interface Ledger {
  /**
   * Writes a batch (see LedgerBatch), resolving once all of it is durable.
   * What a crash mid-batch may leave: no snapshot or equity point of the
   * batch without its fills, no fill without its order's record; order events
   * may lag (as with single writes, replaying an order stops at a gap). The
   * fills' results come in the batch's order.
   */
  recordBatch(batch: LedgerBatch): Promise<readonly RecordedFill[]>;
  /** True when new. */
  recordOrder(order: OrderRecord): Promise<boolean>;
  /** True when new. */
  recordOrderEvent(event: OrderEventRecord): Promise<boolean>;
  recordFill(fill: FillRecord): Promise<RecordedFill>;
  /** Replaces the symbol's snapshot only if `fillSeq` is newer; true when it did. */
  recordPosition(snapshot: PositionSnapshot): Promise<boolean>;
  /** One point per time; true when new. */
  recordEquity(point: EquityPointRecord): Promise<boolean>;

  hasFill(fillId: string): Promise<boolean>;
  /** Every fill in ledger order (ascending seq). */
  fills(): Promise<StoredFill[]>;
  orders(): Promise<OrderRecord[]>;
  /** The order's events by index. */
  orderEvents(orderId: string): Promise<OrderEventRecord[]>;
  /** The latest snapshot of each symbol. */
  positions(): Promise<PositionSnapshot[]>;
  /** Equity points with from <= t < to, ascending. */
  equity(from?: number, to?: number): Promise<EquityPointRecord[]>;

  /** Reachable and writable right now (for the dependency monitor). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
