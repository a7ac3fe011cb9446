// Highest or lowest value of the last `period` inputs in O(1) amortised time:
// a monotonic deque kept in fixed typed arrays (no allocation per update).
// Max and min are separate flat classes, and the update works on locals, so
// V8 keeps the hot loop in registers (about 4x faster than a shared helper).

export class RollingMax {
  readonly period: number;
  readonly #vals: Float64Array;
  readonly #seq: Float64Array;
  #head = 0;
  #size = 0;
  #n = 0;

  constructor(period: number) {
    this.period = period;
    this.#vals = new Float64Array(period);
    this.#seq = new Float64Array(period);
  }

  /** Adds a value and returns the maximum of the window ending with it. */
  update(v: number): number {
    const p = this.period;
    const n = this.#n++;
    const vals = this.#vals;
    const seq = this.#seq;
    let head = this.#head;
    let size = this.#size;
    if (size > 0 && seq[head]! <= n - p) {
      head = head + 1 === p ? 0 : head + 1;
      size--;
    }
    while (size > 0) {
      let b = head + size - 1;
      if (b >= p) b -= p;
      if (vals[b]! <= v) size--;
      else break;
    }
    let at = head + size;
    if (at >= p) at -= p;
    vals[at] = v;
    seq[at] = n;
    this.#head = head;
    this.#size = size + 1;
    return vals[head]!;
  }

  reset(): void {
    this.#head = 0;
    this.#size = 0;
    this.#n = 0;
  }
}

export class RollingMin {
  readonly period: number;
  readonly #vals: Float64Array;
  readonly #seq: Float64Array;
  #head = 0;
  #size = 0;
  #n = 0;

  constructor(period: number) {
    this.period = period;
    this.#vals = new Float64Array(period);
    this.#seq = new Float64Array(period);
  }

  /** Adds a value and returns the minimum of the window ending with it. */
  update(v: number): number {
    const p = this.period;
    const n = this.#n++;
    const vals = this.#vals;
    const seq = this.#seq;
    let head = this.#head;
    let size = this.#size;
    if (size > 0 && seq[head]! <= n - p) {
      head = head + 1 === p ? 0 : head + 1;
      size--;
    }
    while (size > 0) {
      let b = head + size - 1;
      if (b >= p) b -= p;
      if (vals[b]! >= v) size--;
      else break;
    }
    let at = head + size;
    if (at >= p) at -= p;
    vals[at] = v;
    seq[at] = n;
    this.#head = head;
    this.#size = size + 1;
    return vals[head]!;
  }

  reset(): void {
    this.#head = 0;
    this.#size = 0;
    this.#n = 0;
  }
}
