import { doubled } from '../domain/lists.ts';

/**
 * A growable pair of float columns (time, value), for the equity curve, kept
 * small because fresh memory costs a page fault per 4 KB (about 4,000 for the
 * 16 MB of a 2-million-candle column):
 *
 * - The times of a curve are nearly always one timeframe apart, so they are
 *   kept as runs (the index and time where each run starts).
 * - A value equal to the previous point's (the equity while nothing is held is
 *   the cash: about 60 % of a busy RSI backtest's points) is not stored: runs
 *   of repeats are kept as where they start. Equal means the same double
 *   (`===`, and never 0, whose sign `===` does not see), so the column made
 *   when read is the same doubles, bit for bit.
 *
 * Both columns are made when read. The kernel's hot loop appends through the
 * public fields (`v`, `m`, `n`, `last`, `repeatEnd`, `next`, `grow`, `jump`,
 * `repeat`) without a call that would box its doubles; others use `push`.
 */
export class GrowableSeries {
  /** The stored values (the points that differ from the one before), `m` of them. */
  v: Float64Array;
  m = 0;
  /** Points. */
  n = 0;
  /** The last value stored (NaN: none yet, or NaN, which is never a repeat). */
  last = Number.NaN;
  /** The point after the current run of repeats (-1: none), so a repeat right after it extends it. */
  repeatEnd = -1;
  /** The time the next point has when it continues the current run (NaN: none yet). */
  next = Number.NaN;
  /** Distance between the times of one run. */
  readonly step: number;
  /** Where each run of times starts: its first index, and that point's time. */
  readonly #runIndex: number[] = [];
  readonly #runTime: number[] = [];
  /** Where each run of repeated values starts: its first point, and how many values were stored before it. */
  readonly #repeatAt: number[] = [];
  #times: Float64Array | undefined;
  #values: Float64Array | undefined;

  constructor(capacity = 1024, step = Number.NaN) {
    this.v = new Float64Array(Math.max(1, capacity));
    this.step = step;
  }

  get length(): number {
    return this.n;
  }

  grow(): void {
    this.v = doubled(this.v);
  }

  /** The next point (index `n`) starts a new run at time `t`. */
  jump(t: number): void {
    this.#runIndex.push(this.n);
    this.#runTime.push(t);
  }

  /** The next point (index `n`) repeats the last value and starts a new run of repeats. */
  repeat(): void {
    this.#repeatAt.push(this.n, this.m);
  }

  push(t: number, v: number): void {
    if (t !== this.next) this.jump(t);
    this.next = t + this.step;
    if (v === this.last && v !== 0) {
      if (this.n !== this.repeatEnd) this.repeat();
      this.repeatEnd = ++this.n;
      return;
    }
    if (this.m === this.v.length) this.grow();
    this.v[this.m++] = v;
    this.last = v;
    this.n++;
  }

  get times(): Float64Array {
    if (this.#times?.length !== this.n) {
      const out = new Float64Array(this.n);
      const starts = this.#runIndex;
      for (let r = 0; r < starts.length; r++) {
        const end = r + 1 < starts.length ? starts[r + 1]! : this.n;
        const t0 = this.#runTime[r]!;
        // Each time as the sum the kernel made it by (previous + step), so the column is the same doubles.
        let t = t0;
        for (let i = starts[r]!; i < end; i++) {
          out[i] = t;
          t += this.step;
        }
      }
      this.#times = out;
    }
    return this.#times;
  }

  get values(): Float64Array {
    if (this.#repeatAt.length === 0) return this.v.subarray(0, this.n);
    if (this.#values?.length !== this.n) {
      const out = new Float64Array(this.n);
      const at = this.#repeatAt;
      const v = this.v;
      let i = 0;
      let stored = 0;
      for (let r = 0; r < at.length; r += 2) {
        const start = at[r]!;
        // Stored values up to the run, then the last of them repeated until the next stored value or run.
        while (i < start) out[i++] = v[stored++]!;
        const storedAfter = r + 2 < at.length ? at[r + 3]! : this.m;
        const end = r + 2 < at.length ? at[r + 2]! - (storedAfter - stored) : this.n - (storedAfter - stored);
        const x = v[stored - 1]!;
        while (i < end) out[i++] = x;
      }
      while (i < this.n) out[i++] = v[stored++]!;
      this.#values = out;
    }
    return this.#values;
  }
}
