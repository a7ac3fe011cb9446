// Bollinger Bands. `meanReversion`: buy a close at or below the lower band,
// sell a close at or above the upper band. `breakout`: buy a close above the
// upper band, sell a close below the lower band. The bands use the exact
// (two-pass) variance: TA-Lib's running variance collapses the bands on
// markets priced around 1e-5 (see docs/indicators.md), and several BTC-quoted
// markets are.
import type { BollingerParams } from '../../crds/index.ts';
import { Bollinger } from '../indicators/index.ts';
import { resolveParams } from './params.ts';
import type { Signal, Strategy } from './types.ts';

export class BollingerStrategy implements Strategy {
  readonly name: string;
  readonly type = 'bollinger' as const;
  readonly params: BollingerParams;
  readonly warmup: number;
  readonly #bands: Bollinger;
  readonly #breakout: boolean;
  #seen = 0;

  constructor(name: string, params?: Partial<BollingerParams>) {
    this.name = name;
    this.params = resolveParams('bollinger', params);
    this.#bands = new Bollinger(this.params.period, { stdDev: this.params.stdDev, variance: 'exact' });
    this.#breakout = this.params.mode === 'breakout';
    this.warmup = this.#bands.warmup;
  }

  get ready(): boolean {
    return this.#seen >= this.warmup;
  }

  onStart(): void {
    this.#bands.reset();
    this.#seen = 0;
  }

  onBarAt(bar: Float64Array): Signal {
    return this.onBar(bar[0]!, bar[1]!, bar[2]!, bar[3]!, bar[4]!, bar[5]!);
  }

  onBar(_t: number, _o: number, _h: number, _l: number, close: number, _v: number): Signal {
    this.#seen++;
    const b = this.#bands;
    b.push(close);
    if (Number.isNaN(b.middle)) return 0;
    if (this.#breakout) {
      if (close > b.upper) return 1;
      if (close < b.lower) return -1;
      return 0;
    }
    // A zero-width band (a flat window) is no signal.
    if (b.upper === b.lower) return 0;
    if (close <= b.lower) return 1;
    if (close >= b.upper) return -1;
    return 0;
  }

  onStop(): void {}
}
