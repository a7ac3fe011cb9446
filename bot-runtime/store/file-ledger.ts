// The embedded ledger of `botcore run`: an append-only JSON-lines journal,
// replayed into memory on open. A write resolves only after its line is on
// disk (fdatasync; concurrent writes share one sync), so a fill that was
// acknowledged survives a crash. A crash mid-write leaves at most a torn last
// line, which open() cuts off: that write was never acknowledged. Any other bad
// line is corruption and open() refuses to guess.
import { existsSync } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Ledger, LedgerBatch, RecordedFill } from './ledger.ts';
import type {
  EquityPointRecord,
  FillRecord,
  OrderEventRecord,
  OrderRecord,
  PositionSnapshot,
  StoredFill,
} from './records.ts';

type Entry =
  | { readonly k: 'order'; readonly v: OrderRecord }
  | { readonly k: 'event'; readonly v: OrderEventRecord }
  | { readonly k: 'fill'; readonly v: StoredFill }
  | { readonly k: 'position'; readonly v: PositionSnapshot }
  | { readonly k: 'equity'; readonly v: EquityPointRecord };

export class LedgerCorruptError extends Error {
  override readonly name = 'LedgerCorruptError';
}

export class LedgerLockedError extends Error {
  override readonly name = 'LedgerLockedError';
}

/**
 * One process per journal: `<journal>.lock` holds the owner's pid. A lock
 * whose process is gone (killed, crashed) is stale and taken over, so a
 * restart after SIGKILL needs no clean-up.
 */
async function takeLock(lockPath: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(lockPath, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) {
      throw new LedgerLockedError(`${lockPath}: the journal is open in process ${owner}`);
    }
    await rm(lockPath, { force: true });
  }
  throw new LedgerLockedError(`${lockPath}: could not take the lock`);
}

/** A new or renamed file's name is durable only once its directory is synced. */
async function syncDir(path: string): Promise<void> {
  const dir = await open(dirname(path), 'r');
  await dir.sync().finally(() => dir.close());
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class FileLedger implements Ledger {
  readonly path: string;
  #fh: FileHandle | undefined;
  readonly #orders = new Map<string, OrderRecord>();
  readonly #events = new Map<string, OrderEventRecord>();
  readonly #eventsByOrder = new Map<string, OrderEventRecord[]>();
  readonly #fills = new Map<string, StoredFill>();
  readonly #fillList: StoredFill[] = [];
  readonly #positions = new Map<string, PositionSnapshot>();
  readonly #equity = new Map<number, EquityPointRecord>();
  #lastSeq = 0;
  #queue: { line: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  #flushing: Promise<void> | undefined;
  #failed: unknown;
  #closed = false;
  /** Bytes cut from a torn last line when the journal was opened (0 when clean). */
  readonly repairedBytes: number;

  private constructor(path: string, repairedBytes: number) {
    this.path = path;
    this.repairedBytes = repairedBytes;
  }

  /**
   * Opens (creating) the journal and replays it. When more than `compactAbove`
   * lines are superseded (older position snapshots, mostly: one per fill), the
   * journal is first rewritten with only what is current, atomically (a new
   * file, synced, renamed over the old one).
   */
  static async open(path: string, options: { compactAbove?: number } = {}): Promise<FileLedger> {
    await mkdir(dirname(path), { recursive: true });
    await takeLock(`${path}.lock`);
    try {
      return await FileLedger.#replay(path, options.compactAbove ?? 10_000);
    } catch (error) {
      await rm(`${path}.lock`, { force: true });
      throw error;
    }
  }

  static async #replay(path: string, compactAbove: number): Promise<FileLedger> {
    const created = !existsSync(path);
    const text = created ? '' : await readFile(path, 'utf8');
    const entries: Entry[] = [];
    let good = 0;
    let repaired = 0;
    let offset = 0;
    while (offset < text.length) {
      const end = text.indexOf('\n', offset);
      const line = end < 0 ? text.slice(offset) : text.slice(offset, end);
      const next = end < 0 ? text.length : end + 1;
      let entry: Entry | undefined;
      try {
        entry = JSON.parse(line) as Entry;
      } catch {
        entry = undefined;
      }
      if (entry === undefined || end < 0) {
        // Only the last line may be torn (no newline yet, or cut mid-way).
        if (next < text.length) {
          throw new LedgerCorruptError(`${path}: line at byte ${offset} is not a journal entry`);
        }
        repaired = Buffer.byteLength(text.slice(offset));
        break;
      }
      entries.push(entry);
      offset = next;
      good += Buffer.byteLength(line) + 1;
    }
    if (repaired > 0) await truncate(path, good);
    const ledger = new FileLedger(path, repaired);
    let superseded = 0;
    for (const entry of entries) {
      const replaced = entry.k === 'position' && ledger.#positions.has(entry.v.symbol);
      if (!ledger.#apply(entry) || replaced) superseded++;
    }
    if (superseded > compactAbove) {
      await ledger.#rewrite();
      ledger.compactedLines = superseded;
    }
    ledger.#fh = await open(path, 'a');
    if (created) await syncDir(path);
    return ledger;
  }

  /** Lines dropped by compaction when the journal was opened (0 when none). */
  compactedLines = 0;

  /** Writes the current state as a new journal and renames it over the old one. */
  async #rewrite(): Promise<void> {
    const lines: string[] = [];
    const add = (entry: Entry) => lines.push(`${JSON.stringify(entry)}\n`);
    for (const v of this.#orders.values()) add({ k: 'order', v });
    for (const list of this.#eventsByOrder.values()) for (const v of list) add({ k: 'event', v });
    for (const v of this.#fillList) add({ k: 'fill', v });
    for (const v of this.#positions.values()) add({ k: 'position', v });
    for (const v of this.#equity.values()) add({ k: 'equity', v });
    const next = `${this.path}.compact`;
    const fh = await open(next, 'w');
    try {
      await fh.write(lines.join(''));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(next, this.path);
    await syncDir(this.path);
  }

  /** Applies an entry to memory; false when it changes nothing (a duplicate). */
  #apply(entry: Entry): boolean {
    switch (entry.k) {
      case 'order':
        if (this.#orders.has(entry.v.orderId)) return false;
        this.#orders.set(entry.v.orderId, entry.v);
        return true;
      case 'event': {
        if (this.#events.has(entry.v.eventId)) return false;
        this.#events.set(entry.v.eventId, entry.v);
        const list = this.#eventsByOrder.get(entry.v.orderId) ?? [];
        list.push(entry.v);
        list.sort((a, b) => a.index - b.index);
        this.#eventsByOrder.set(entry.v.orderId, list);
        return true;
      }
      case 'fill':
        if (this.#fills.has(entry.v.fillId)) return false;
        this.#fills.set(entry.v.fillId, entry.v);
        this.#fillList.push(entry.v);
        this.#lastSeq = Math.max(this.#lastSeq, entry.v.seq);
        return true;
      case 'position': {
        const current = this.#positions.get(entry.v.symbol);
        if (current && current.fillSeq >= entry.v.fillSeq) return false;
        this.#positions.set(entry.v.symbol, entry.v);
        return true;
      }
      case 'equity':
        if (this.#equity.has(entry.v.t)) return false;
        this.#equity.set(entry.v.t, entry.v);
        return true;
    }
  }

  /** Applies in memory at once (so a concurrent duplicate sees it) and resolves once on disk. */
  async #record(entry: Entry): Promise<boolean> {
    this.#usable();
    if (!this.#apply(entry)) {
      await this.#durable();
      return false;
    }
    await this.#append(`${JSON.stringify(entry)}\n`);
    return true;
  }

  /** Resolves once `text` (whole lines) is on disk, synced with whatever else is queued by then. */
  #append(text: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ line: text, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  /** Applies the batch to memory in its order at once, then appends its new lines in one write and one sync. */
  async recordBatch(batch: LedgerBatch): Promise<readonly RecordedFill[]> {
    this.#usable();
    let text = '';
    const add = (entry: Entry) => {
      if (this.#apply(entry)) text += `${JSON.stringify(entry)}\n`;
    };
    for (const v of batch.orders ?? []) add({ k: 'order', v });
    for (const v of batch.events ?? []) add({ k: 'event', v });
    const recorded = (batch.fills ?? []).map((fill): RecordedFill => {
      const existing = this.#fills.get(fill.fillId);
      if (existing) return { seq: existing.seq, inserted: false };
      const seq = this.#lastSeq + 1;
      add({ k: 'fill', v: { ...fill, seq } });
      return { seq, inserted: true };
    });
    if (batch.positions) {
      const seqOf = (fillId: string) => {
        const stored = this.#fills.get(fillId);
        if (!stored) throw new Error(`position after fill ${fillId}, which is not in the ledger`);
        return stored.seq;
      };
      for (const v of batch.positions(seqOf)) add({ k: 'position', v });
    }
    for (const v of batch.equity ?? []) add({ k: 'equity', v });
    // Nothing new: a duplicate's original may still be on its way to the disk.
    if (text === '') await this.#durable();
    else await this.#append(text);
    return recorded;
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        const fh = this.#fh!;
        await fh.write(batch.map((b) => b.line).join(''));
        await fh.datasync();
        for (const b of batch) b.resolve();
      } catch (error) {
        // Memory now holds what the disk may not: refuse further use; reopening replays the truth.
        this.#failed = error;
        for (const b of [...batch, ...this.#queue]) b.reject(error);
        this.#queue = [];
      }
    }
    this.#flushing = undefined;
  }

  /** Waits until whatever is queued (a duplicate's original, say) is on disk, so "already recorded" is true. */
  async #durable(): Promise<void> {
    if (this.#flushing) await this.#flushing;
    this.#usable();
  }

  #usable(): void {
    if (this.#closed) throw new Error(`ledger ${this.path} is closed`);
    if (this.#failed !== undefined) {
      throw new Error(`ledger ${this.path} failed to write; reopen it: ${(this.#failed as Error).message}`);
    }
  }

  recordOrder(order: OrderRecord): Promise<boolean> {
    return this.#record({ k: 'order', v: order });
  }

  recordOrderEvent(event: OrderEventRecord): Promise<boolean> {
    return this.#record({ k: 'event', v: event });
  }

  async recordFill(fill: FillRecord): Promise<RecordedFill> {
    const existing = this.#fills.get(fill.fillId);
    if (existing) {
      this.#usable();
      await this.#durable();
      return { seq: existing.seq, inserted: false };
    }
    const seq = this.#lastSeq + 1;
    await this.#record({ k: 'fill', v: { ...fill, seq } });
    return { seq, inserted: true };
  }

  recordPosition(snapshot: PositionSnapshot): Promise<boolean> {
    return this.#record({ k: 'position', v: snapshot });
  }

  recordEquity(point: EquityPointRecord): Promise<boolean> {
    return this.#record({ k: 'equity', v: point });
  }

  async hasFill(fillId: string): Promise<boolean> {
    return this.#fills.has(fillId);
  }

  async fills(): Promise<StoredFill[]> {
    return [...this.#fillList];
  }

  async orders(): Promise<OrderRecord[]> {
    return [...this.#orders.values()];
  }

  async orderEvents(orderId: string): Promise<OrderEventRecord[]> {
    return [...(this.#eventsByOrder.get(orderId) ?? [])];
  }

  async positions(): Promise<PositionSnapshot[]> {
    return [...this.#positions.values()];
  }

  async equity(from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): Promise<EquityPointRecord[]> {
    return [...this.#equity.values()].filter((p) => p.t >= from && p.t < to).sort((a, b) => a.t - b.t);
  }

  async ping(): Promise<void> {
    this.#usable();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#flushing;
    this.#closed = true;
    await this.#fh?.close();
    await rm(`${this.path}.lock`, { force: true });
  }
}
