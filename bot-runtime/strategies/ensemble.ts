// Combines the signals of several strategies into one decision per symbol and
// candle, as `spec.combine` says. Works on a Float64Array of signals so the
// kernel allocates nothing per candle.
import type { CombineSpec } from '../../crds/index.ts';
import type { Signal } from './types.ts';

export type CombineMethod = CombineSpec['method'];

export class Ensemble {
  readonly method: CombineMethod;
  readonly threshold: number;
  readonly weights: Float64Array;
  readonly totalWeight: number;

  constructor(spec: Partial<CombineSpec> | undefined, weights: readonly number[]) {
    this.method = spec?.method ?? 'weightedVote';
    this.threshold = spec?.threshold ?? 0.5;
    if (!(this.threshold > 0 && this.threshold <= 1))
      throw new RangeError(`combine.threshold must be in (0, 1], got ${this.threshold}`);
    if (weights.length === 0) throw new RangeError('an ensemble needs at least one strategy');
    for (const w of weights) if (!(w > 0)) throw new RangeError(`strategy weights must be > 0, got ${w}`);
    this.weights = Float64Array.from(weights);
    this.totalWeight = weights.reduce((a, b) => a + b, 0);
  }

  /**
   * The decision for one candle.
   * - weightedVote: buy (sell) when the weight of buy (sell) signals reaches `threshold`
   *   of the total weight; if both do (threshold <= 0.5), the heavier side, and a tie holds.
   * - majority: buy (sell) when more than half of the strategies say so.
   * - unanimous: every strategy says the same non-hold signal.
   * - any: the first strategy (in manifest order) with a non-hold signal.
   */
  combine(signals: Float64Array): Signal {
    const n = this.weights.length;
    if (n === 1) return signals[0] as Signal;
    switch (this.method) {
      case 'any':
        for (let i = 0; i < n; i++) if (signals[i] !== 0) return signals[i] as Signal;
        return 0;
      case 'unanimous': {
        const first = signals[0]!;
        if (first === 0) return 0;
        for (let i = 1; i < n; i++) if (signals[i] !== first) return 0;
        return first as Signal;
      }
      case 'majority': {
        let buy = 0;
        let sell = 0;
        for (let i = 0; i < n; i++) {
          const s = signals[i]!;
          if (s > 0) buy++;
          else if (s < 0) sell++;
        }
        if (buy * 2 > n) return 1;
        if (sell * 2 > n) return -1;
        return 0;
      }
      default: {
        let buy = 0;
        let sell = 0;
        const w = this.weights;
        for (let i = 0; i < n; i++) {
          const s = signals[i]!;
          if (s > 0) buy += w[i]!;
          else if (s < 0) sell += w[i]!;
        }
        // Compare shares with a relative tolerance, so 0.6 of a weight of 1 counts as 0.6.
        const need = this.threshold * this.totalWeight * (1 - 1e-12);
        const b = buy >= need;
        const s = sell >= need;
        if (b && s) return buy > sell ? 1 : sell > buy ? -1 : 0;
        return b ? 1 : s ? -1 : 0;
      }
    }
  }
}
