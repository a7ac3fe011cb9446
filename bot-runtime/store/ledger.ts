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

export interface Ledger {
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
