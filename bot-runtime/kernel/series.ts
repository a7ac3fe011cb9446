/** A growable pair of float columns (time, value), for the equity curve. */
export class GrowableSeries {
  #t: Float64Array;
  #v: Float64Array;
  #n = 0;
  constructor(capacity = 1024) {
    this.#t = new Float64Array(Math.max(1, capacity));
    this.#v = new Float64Array(Math.max(1, capacity));
  }
  get length(): number {
    return this.#n;
  }
  push(t: number, v: number): void {
    if (this.#n === this.#t.length) {
      const t2 = new Float64Array(this.#n * 2);
      t2.set(this.#t);
      this.#t = t2;
      const v2 = new Float64Array(this.#n * 2);
      v2.set(this.#v);
      this.#v = v2;
    }
    this.#t[this.#n] = t;
    this.#v[this.#n++] = v;
  }
  /** Overwrites the last value (a later event at the same time). */
  setLast(v: number): void {
    if (this.#n > 0) this.#v[this.#n - 1] = v;
  }
  get times(): Float64Array {
    return this.#t.subarray(0, this.#n);
  }
  get values(): Float64Array {
    return this.#v.subarray(0, this.#n);
  }
}
