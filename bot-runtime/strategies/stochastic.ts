// Stochastic oscillator (slow, %K smoothed over 3 candles as TA-Lib's STOCH
// default): buy when %K crosses above %D while %D is below `oversold`, sell
// when %K crosses below %D while %D is above `overbought`.
import type { StochasticParams } from '../../crds/index.ts';
import { Stochastic } from '../indicators/index.ts';
import { resolveParams } from './params.ts';
import type { Signal, Strategy } from './types.ts';

/** %K smoothing: the CRD does not expose it; 3 is the slow stochastic every charting tool shows. */
export const K_SMOOTHING = 3;

export class StochasticStrategy implements Strategy {
  readonly name: string;
  readonly type = 'stochastic' as const;
  readonly params: StochasticParams;
  readonly warmup: number;
  readonly #stoch: Stochastic;
  readonly #oversold: number;
  readonly #overbought: number;
  #prevK = Number.NaN;
  #prevD = Number.NaN;
  #seen = 0;

  constructor(name: string, params?: Partial<StochasticParams>) {
    this.name = name;
    this.params = resolveParams('stochastic', params);
    this.#stoch = new Stochastic(this.params.kPeriod, K_SMOOTHING, this.params.dPeriod);
    this.#oversold = this.params.oversold;
    this.#overbought = this.params.overbought;
    this.warmup = this.#stoch.warmup + 1;
  }

  get ready(): boolean {
    return this.#seen >= this.warmup;
  }

  onStart(): void {
    this.#stoch.reset();
    this.#prevK = Number.NaN;
    this.#prevD = Number.NaN;
    this.#seen = 0;
  }

  onBarAt(bar: Float64Array): Signal {
    return this.onBar(bar[0]!, bar[1]!, bar[2]!, bar[3]!, bar[4]!, bar[5]!);
  }

  onBar(_t: number, _o: number, high: number, low: number, close: number, _v: number): Signal {
    this.#seen++;
    const s = this.#stoch;
    s.push(high, low, close);
    // Both NaN until %D is defined.
    const k = s.k;
    const d = s.d;
    const pk = this.#prevK;
    const pd = this.#prevD;
    this.#prevK = k;
    this.#prevD = d;
    if (pk <= pd && k > d && d < this.#oversold) return 1;
    if (pk >= pd && k < d && d > this.#overbought) return -1;
    return 0;
  }

  onStop(): void {}
}
