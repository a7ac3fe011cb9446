// Highest or lowest value of the last `period` inputs in O(1) amortised time,
// with a monotonic deque kept in fixed typed arrays (no allocation per update).

export class RollingExtreme {
  readonly period: number;
  readonly #max: boolean;
  readonly #vals: Float64Array;
  readonly #seq: Float64Array;
  #head = 0;
  #size = 0;
  #n = 0;

  constructor(period: number, kind: 'max' | 'min') {
    this.period = period;
    this.#max = kind === 'max';
    this.#vals = new Float64Array(period);
    this.#seq = new Float64Array(period);
  }

  /** Adds a value and returns the extreme of the window ending with it. */
  update(v: number): number {
    const cap = this.period;
    const vals = this.#vals;
    const seq = this.#seq;
    const n = this.#n++;
    // Drop the front if it left the window.
    if (this.#size > 0 && seq[this.#head]! <= n - cap) {
      this.#head = this.#head + 1 === cap ? 0 : this.#head + 1;
      this.#size--;
    }
    // Drop from the back everything the new value dominates.
    while (this.#size > 0) {
      let back = this.#head + this.#size - 1;
      if (back >= cap) back -= cap;
      const b = vals[back]!;
      if (this.#max ? b <= v : b >= v) this.#size--;
      else break;
    }
    let at = this.#head + this.#size;
    if (at >= cap) at -= cap;
    vals[at] = v;
    seq[at] = n;
    this.#size++;
    return vals[this.#head]!;
  }

  reset(): void {
    this.#head = 0;
    this.#size = 0;
    this.#n = 0;
  }
}
