/**
 * A growable pair of float columns (time, value), for the equity curve. The
 * times of a curve are nearly always one timeframe apart, so they are kept as
 * runs (the index and time where each run starts) and made into a column only
 * when read: a run of 2 million candles writes 16 MB of values instead of 32 MB
 * of values and times, and fresh memory costs a page fault per 4 KB.
 *
 * The kernel's hot loop appends through the public fields (`v`, `n`, `next`,
 * `grow`, `jump`) without a call that would box its doubles; others use `push`.
 */
export class GrowableSeries {
  v: Float64Array;
  n = 0;
  /** The time the next point has when it continues the current run (NaN: none yet). */
  next = Number.NaN;
  /** Distance between the times of one run. */
  readonly step: number;
  /** Where each run starts: its first index, and that point's time. */
  readonly #runIndex: number[] = [];
  readonly #runTime: number[] = [];
  #times: Float64Array | undefined;

  constructor(capacity = 1024, step = Number.NaN) {
    this.v = new Float64Array(Math.max(1, capacity));
    this.step = step;
  }

  get length(): number {
    return this.n;
  }

  grow(): void {
    const v2 = new Float64Array(this.v.length * 2);
    v2.set(this.v);
    this.v = v2;
  }

  /** The next point (index `n`) starts a new run at time `t`. */
  jump(t: number): void {
    this.#runIndex.push(this.n);
    this.#runTime.push(t);
  }

  push(t: number, v: number): void {
    if (this.n === this.v.length) this.grow();
    if (t !== this.next) this.jump(t);
    this.next = t + this.step;
    this.v[this.n++] = v;
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
    return this.v.subarray(0, this.n);
  }
}
