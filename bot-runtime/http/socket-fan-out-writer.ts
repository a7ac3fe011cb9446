// What the event loop and the fan-out writer threads share, and the loop all
// of them run: claim a chunk of descriptors, write the batch to each, count
// them finished (socket-fan-out.ts says why this is safe).
//
// Chunks are claimed from one cursor rather than split in fixed shares, so a
// thread the machine does not schedule for a while holds up at most its
// current chunk: the others take the rest.
import { writeSync } from 'node:fs';

/** Slots of the control table. */
export const Control = {
  /** Bumped by the event loop for each batch; writers wait on it. */
  WAKE: 0,
  /** Descriptors of the current batch written (or given up); the event loop waits on it. */
  FINISHED: 1,
  /** Bytes in the current batch (at the start of the shared data). */
  LENGTH: 2,
  SIZE: 3,
} as const;

/** A result slot nobody wrote. */
export const NOT_WRITTEN = -2;
/** A send that failed for another reason than a full socket buffer. */
export const SEND_FAILED = -3;
/** Descriptors claimed at a time. */
export const CHUNK = 32;

export interface WriterMemory {
  readonly control: Int32Array;
  /** One word: the batch's sequence number (24 bits), its descriptor count (20 bits), the next unclaimed (20 bits). */
  readonly cursor: BigUint64Array;
  readonly fds: Int32Array;
  /** Per descriptor: bytes sent, NOT_WRITTEN or SEND_FAILED. */
  readonly results: Int32Array;
  /** The batch's bytes (read only for writers). */
  readonly data: Uint8Array;
}

/** The most descriptors one batch can hold (the count's 20 bits). */
export const MAX_BATCH_SOCKETS = 0xf_ffff;
const SEQ_MASK = 0xff_ffff;

export function cursorWord(seq: number, count: number, next: number): bigint {
  return (BigInt(seq & SEQ_MASK) << 40n) | (BigInt(count) << 20n) | BigInt(next);
}

/** Claims and writes chunks of the current batch until none is left; returns how many this thread wrote. */
export function writeClaimed(memory: WriterMemory): number {
  const { control, cursor, fds, results, data } = memory;
  let wrote = 0;
  for (;;) {
    const word = Atomics.load(cursor, 0);
    const count = Number((word >> 20n) & 0xf_ffffn);
    const next = Number(word & 0xf_ffffn);
    if (next >= count) return wrote;
    // Read before the claim: if the claim succeeds, the batch did not change in between.
    const length = control[Control.LENGTH]!;
    const end = Math.min(count, next + CHUNK);
    const claimed = (word & ~0xf_ffffn) | BigInt(end);
    if (Atomics.compareExchange(cursor, 0, word, claimed) !== word) continue;
    try {
      const batch = data.subarray(0, length);
      for (let i = next; i < end; i++) results[i] = writeDirect(fds[i]!, batch);
      wrote += end - next;
    } finally {
      // Counted even if something threw: the event loop must never wait for a chunk nobody holds.
      Atomics.add(control, Control.FINISHED, end - next);
      Atomics.notify(control, Control.FINISHED);
    }
  }
}

/** One write(2) on a non-blocking socket: the bytes it took (0 when its buffer is full) or SEND_FAILED. */
export function writeDirect(fd: number, batch: Uint8Array): number {
  try {
    return writeSync(fd, batch);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EAGAIN' ? 0 : SEND_FAILED;
  }
}
