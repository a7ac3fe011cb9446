// What the event loop and a fan-out writer thread share, and the one direct
// write both of them use (socket-fan-out.ts says why it is safe).
import { writeSync } from 'node:fs';

/** Slots of the control table. */
export const Control = {
  /** Bumped by the event loop for each batch (the writer waits on it). */
  SEQ: 0,
  /** Descriptors in this batch. */
  COUNT: 1,
  /** Bytes in this batch (at the start of the shared data). */
  LENGTH: 2,
  /** The last batch the writer finished (the event loop waits on it), or WRITER_DEAD. */
  DONE: 3,
  SIZE: 4,
} as const;

export const WRITER_DEAD = -1;
/** A result slot the writer has not reached. */
export const NOT_WRITTEN = -2;
/** A send that failed for another reason than a full socket buffer. */
export const SEND_FAILED = -3;

export interface WriterMemory {
  readonly control: Int32Array;
  readonly fds: Int32Array;
  /** Per descriptor: bytes sent, NOT_WRITTEN or SEND_FAILED. */
  readonly results: Int32Array;
  /** The batch's bytes (read only for writers). */
  readonly data: Uint8Array;
}

/** One write(2) on a non-blocking socket: the bytes it took (0 when its buffer is full) or SEND_FAILED. */
export function writeDirect(fd: number, batch: Uint8Array): number {
  try {
    return writeSync(fd, batch);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EAGAIN' ? 0 : SEND_FAILED;
  }
}
