// Rolling correlation of candle returns across symbols, for the correlated
// exposure limit. Each symbol keeps its last `window` simple returns in a ring;
// the kernel pushes one return per symbol per candle (no allocation), and the
// Pearson correlation is computed only when an order asks for it.
export class RollingReturns {
  readonly window: number;
  readonly symbols: readonly string[];
  readonly #rings: Float64Array[];
  readonly #last: Float64Array;
  readonly #count: Int32Array;
  readonly #pos: Int32Array;

  constructor(symbols: readonly string[], window = 100) {
    if (!Number.isInteger(window) || window < 3)
      throw new RangeError(`correlation window must be >= 3, got ${window}`);
    this.window = window;
    this.symbols = symbols;
    this.#rings = symbols.map(() => new Float64Array(window));
    this.#last = new Float64Array(symbols.length).fill(Number.NaN);
    this.#count = new Int32Array(symbols.length);
    this.#pos = new Int32Array(symbols.length);
  }

  /** Feeds the close of symbol `k`'s latest candle. */
  push(k: number, close: number): void {
    const prev = this.#last[k]!;
    this.#last[k] = close;
    if (!(prev > 0)) return;
    const ring = this.#rings[k]!;
    const p = this.#pos[k]!;
    ring[p] = close / prev - 1;
    this.#pos[k] = p + 1 === this.window ? 0 : p + 1;
    if (this.#count[k]! < this.window) this.#count[k] = this.#count[k]! + 1;
  }

  /**
   * Pearson correlation of the last common returns of symbols `a` and `b`
   * (aligned newest to newest); NaN with fewer than 3 or with a flat series.
   */
  correlation(a: number, b: number): number {
    if (a === b) return 1;
    const n = Math.min(this.#count[a]!, this.#count[b]!);
    if (n < 3) return Number.NaN;
    const ra = this.#rings[a]!;
    const rb = this.#rings[b]!;
    const w = this.window;
    let pa = this.#pos[a]!;
    let pb = this.#pos[b]!;
    let sa = 0;
    let sb = 0;
    let saa = 0;
    let sbb = 0;
    let sab = 0;
    for (let i = 0; i < n; i++) {
      pa = pa === 0 ? w - 1 : pa - 1;
      pb = pb === 0 ? w - 1 : pb - 1;
      const x = ra[pa]!;
      const y = rb[pb]!;
      sa += x;
      sb += y;
      saa += x * x;
      sbb += y * y;
      sab += x * y;
    }
    const cov = sab - (sa * sb) / n;
    const va = saa - (sa * sa) / n;
    const vb = sbb - (sb * sb) / n;
    if (!(va > 0) || !(vb > 0)) return Number.NaN;
    return cov / Math.sqrt(va * vb);
  }

  index(symbol: string): number {
    return this.symbols.indexOf(symbol);
  }
}
