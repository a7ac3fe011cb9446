// Applies fills to the durable state exactly once. The ledger's idempotent
// `recordFill` decides whether a fill is new; positions are the fold of the
// ledger's fills in ledger order, snapshotted after each fill with the fill's
// seq, so a snapshot can only move forward. The live fill consumer and
// recovery share this one path.

import type { Bus, ConsumerSpec } from '../bus/bus.ts';
import { messageIds } from '../bus/message-ids.ts';
import { applyFillToPosition, type Decimal, flatPosition, type Position } from '../domain/index.ts';
import type { HotState } from '../store/hot-state.ts';
import type { Ledger } from '../store/ledger.ts';
import {
  type EquityPointRecord,
  type FillRecord,
  fillFromRecord,
  type OrderEventRecord,
  type OrderRecord,
  type PositionSnapshot,
  positionToSnapshot,
  type StoredFill,
} from '../store/records.ts';
import { orderMessages } from './order-journal.ts';

/** The executor's durable consumer of its fills stream: strictly ordered, one outstanding. */
export const LEDGER_CONSUMER: ConsumerSpec = { name: 'executor-ledger', ackWaitMs: 10_000, maxAckPending: 1 };

export type ApplyResult = 'applied' | 'duplicate';

/** What a step of the executor writes: its new orders and their events, its fills, its equity point. */
export interface StepRecords {
  readonly orders?: readonly OrderRecord[];
  readonly events?: readonly OrderEventRecord[];
  readonly fills?: readonly FillRecord[];
  readonly equity?: readonly EquityPointRecord[];
}

export interface AppliedFill {
  readonly result: ApplyResult;
  /** The realised PnL the fill booked, when it booked any. */
  readonly realizedPnl?: Decimal;
}

export interface FillApplierOptions {
  /** Hot state to keep up to date; failures here never fail a fill (it is a cache). */
  readonly hot?: HotState;
  /**
   * Publishes each position change (`positions` stream, id `<symbol>@<fillSeq>`)
   * and, once a batch is in the ledger, its orders and order events (`orders`
   * stream, ids `<orderId>#new` and `<orderId>#<index>`).
   */
  readonly bus?: Bus;
  readonly now?: () => number;
  readonly onHotStateError?: (error: unknown) => void;
}

interface Held {
  position: Position;
  /** Ledger seq of the symbol's last fill. */
  fillSeq: number;
}

export class FillApplier {
  readonly #ledger: Ledger;
  readonly #options: FillApplierOptions;
  readonly #positions = new Map<string, Held>();
  readonly #applied = new Set<string>();
  #hotStale = false;

  constructor(ledger: Ledger, options: FillApplierOptions = {}) {
    this.#ledger = ledger;
    this.#options = options;
  }

  /** Folds fills already in the ledger (recovery's first step); touches no store. */
  load(fills: readonly StoredFill[]): void {
    for (const fill of [...fills].sort((a, b) => a.seq - b.seq)) {
      if (this.#applied.has(fill.fillId)) continue;
      this.#fold(fill, fill.seq);
    }
  }

  #fold(record: FillRecord, seq: number): void {
    const held = this.#positions.get(record.symbol);
    const position = applyFillToPosition(
      held?.position ?? flatPosition(record.symbol, record.quote),
      fillFromRecord(record),
    );
    this.#positions.set(record.symbol, { position, fillSeq: seq });
    this.#applied.add(record.fillId);
  }

  /** Records the fill (once), folds it into its position, and persists the position. */
  async apply(record: FillRecord): Promise<ApplyResult> {
    // Validates before anything is written: a bad fill must not reach the ledger.
    applyFillToPosition(flatPosition(record.symbol, record.quote), fillFromRecord(record));
    const { seq, inserted } = await this.#ledger.recordFill(record);
    const result: ApplyResult = !inserted && this.#applied.has(record.fillId) ? 'duplicate' : 'applied';
    if (result === 'applied') this.#fold(record, seq);
    // Also for a duplicate: the crash that caused the redelivery may have come before these writes.
    await this.persist(record.symbol);
    return result;
  }

  /**
   * `apply` for the fills of one or more steps, written with their orders,
   * events and equity points in one ledger batch (one sync of the journal, a
   * few round trips to MongoDB instead of one per record). The fold is made on
   * copies and kept only once the batch is in the ledger, so a failed batch
   * can be retried as it is. A fill is new when the fold has not seen it (its
   * write may have landed before a lost reply, as in `apply`).
   */
  async applyBatch(records: StepRecords): Promise<AppliedFill[]> {
    const fills = records.fills ?? [];
    // Validates before anything is written: a bad fill must not reach the ledger.
    for (const r of fills) applyFillToPosition(flatPosition(r.symbol, r.quote), fillFromRecord(r));
    const ahead = new Map<string, Position>();
    const fresh = new Set<string>();
    /** Per symbol, the last new fill of the batch; a symbol with none keeps its snapshot (rewritten, as for a duplicate). */
    const lastNew = new Map<string, string>();
    const touched = new Set<string>();
    const applied: AppliedFill[] = [];
    for (const r of fills) {
      touched.add(r.symbol);
      if (this.#applied.has(r.fillId) || fresh.has(r.fillId)) {
        applied.push({ result: 'duplicate' });
        continue;
      }
      const before =
        ahead.get(r.symbol) ?? this.#positions.get(r.symbol)?.position ?? flatPosition(r.symbol, r.quote);
      const folded = applyFillToPosition(before, fillFromRecord(r));
      ahead.set(r.symbol, folded);
      fresh.add(r.fillId);
      lastNew.set(r.symbol, r.fillId);
      const pnl = folded.realizedPnl.amount.minus(before.realizedPnl.amount);
      applied.push(pnl.isZero() ? { result: 'applied' } : { result: 'applied', realizedPnl: pnl });
    }
    const now = (this.#options.now ?? Date.now)();
    const held = (symbol: string, seqOf: (fillId: string) => number): Held | undefined => {
      const id = lastNew.get(symbol);
      return id === undefined
        ? this.#positions.get(symbol)
        : { position: ahead.get(symbol)!, fillSeq: seqOf(id) };
    };
    let written: [string, Held][] = [];
    // Made once, when the ledger knows the fills' seqs: written, then published and cached.
    let snapshots: PositionSnapshot[] = [];
    await this.#ledger.recordBatch({
      ...records,
      fills,
      positions: (seqOf) => {
        written = [...touched].flatMap((symbol) => {
          const h = held(symbol, seqOf);
          return h ? [[symbol, h] as [string, Held]] : [];
        });
        snapshots = written.map(([, h]) => positionToSnapshot(h.position, h.fillSeq, now));
        return snapshots;
      },
    });
    for (const [symbol, h] of written) this.#positions.set(symbol, h);
    for (const id of fresh) this.#applied.add(id);
    const bus = this.#options.bus;
    await Promise.all([
      ...(bus
        ? [
            ...snapshots.map((s) =>
              bus.publishEvent('positions', messageIds.position(s.symbol, s.fillSeq), s),
            ),
            ...orderMessages(records.orders ?? [], records.events ?? []).map(([id, message]) =>
              bus.publishEvent('orders', id, message),
            ),
          ]
        : []),
      this.#writeHot(snapshots),
    ]);
    return applied;
  }

  /** Writes the symbol's snapshot to the ledger, the bus and the hot state (each idempotent). */
  async persist(symbol: string): Promise<void> {
    const held = this.#positions.get(symbol);
    if (!held) return;
    const snapshot = positionToSnapshot(held.position, held.fillSeq, (this.#options.now ?? Date.now)());
    await this.#ledger.recordPosition(snapshot);
    await this.#options.bus?.publishEvent('positions', messageIds.position(symbol, held.fillSeq), snapshot);
    await this.#writeHot([snapshot]);
  }

  async #writeHot(snapshots: PositionSnapshot[]): Promise<void> {
    const hot = this.#options.hot;
    if (!hot) return;
    try {
      if (this.#hotStale) {
        await hot.replacePositions(this.snapshots());
        this.#hotStale = false;
      } else {
        await hot.setPositions(snapshots);
      }
    } catch (error) {
      this.#hotStale = true;
      this.#options.onHotStateError?.(error);
    }
  }

  /** Rewrites every position everywhere (after recovery). */
  async persistAll(): Promise<void> {
    for (const symbol of this.#positions.keys()) {
      const held = this.#positions.get(symbol)!;
      await this.#ledger.recordPosition(
        positionToSnapshot(held.position, held.fillSeq, (this.#options.now ?? Date.now)()),
      );
    }
    await this.refreshHotState();
  }

  /** Rewrites the hot state's positions from memory (call when Redis is back after an outage). */
  async refreshHotState(): Promise<void> {
    this.#hotStale = true;
    await this.#writeHot([]);
  }

  /** True while the hot state missed a write and waits for a rewrite. */
  get hotStateStale(): boolean {
    return this.#hotStale;
  }

  hasApplied(fillId: string): boolean {
    return this.#applied.has(fillId);
  }

  get appliedCount(): number {
    return this.#applied.size;
  }

  position(symbol: string): Position | undefined {
    return this.#positions.get(symbol)?.position;
  }

  positions(): Position[] {
    return [...this.#positions.values()].map((h) => h.position);
  }

  snapshots(): PositionSnapshot[] {
    const now = (this.#options.now ?? Date.now)();
    return [...this.#positions.values()].map((h) => positionToSnapshot(h.position, h.fillSeq, now));
  }
}
