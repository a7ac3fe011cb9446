/**
 * A growable pair of float columns (time, value), for the equity curve. The
 * kernel's hot loop appends through the public columns (`t`, `v`, `n`, `grow`)
 * without a call that would box its doubles; others use `push`.
 */
export class GrowableSeries {
  t: Float64Array;
  v: Float64Array;
  n = 0;
  constructor(capacity = 1024) {
    this.t = new Float64Array(Math.max(1, capacity));
    this.v = new Float64Array(Math.max(1, capacity));
  }
  get length(): number {
    return this.n;
  }
  grow(): void {
    const t2 = new Float64Array(this.t.length * 2);
    t2.set(this.t);
    this.t = t2;
    const v2 = new Float64Array(this.v.length * 2);
    v2.set(this.v);
    this.v = v2;
  }
  push(t: number, v: number): void {
    if (this.n === this.t.length) this.grow();
    this.t[this.n] = t;
    this.v[this.n++] = v;
  }
  get times(): Float64Array {
    return this.t.subarray(0, this.n);
  }
  get values(): Float64Array {
    return this.v.subarray(0, this.n);
  }
}
