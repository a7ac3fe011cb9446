// MACD: buy when the MACD line crosses above its signal line, sell when it
// crosses below (the histogram changes sign).
import type { MacdParams } from '../../crds/index.ts';
import { Macd } from '../indicators/index.ts';
import { resolveParams } from './params.ts';
import type { Signal, Strategy } from './types.ts';

export class MacdStrategy implements Strategy {
  readonly name: string;
  readonly type = 'macd' as const;
  readonly params: MacdParams;
  readonly warmup: number;
  readonly #macd: Macd;
  #prevHist = Number.NaN;
  #seen = 0;

  constructor(name: string, params?: Partial<MacdParams>) {
    this.name = name;
    this.params = resolveParams('macd', params);
    this.#macd = new Macd(this.params.fastPeriod, this.params.slowPeriod, this.params.signalPeriod);
    this.warmup = this.#macd.warmup + 1;
  }

  get ready(): boolean {
    return this.#seen >= this.warmup;
  }

  onStart(): void {
    this.#macd.reset();
    this.#prevHist = Number.NaN;
    this.#seen = 0;
  }

  onBarAt(bar: Float64Array): Signal {
    return this.onBar(bar[0]!, bar[1]!, bar[2]!, bar[3]!, bar[4]!, bar[5]!);
  }

  onBar(_t: number, _o: number, _h: number, _l: number, close: number, _v: number): Signal {
    this.#seen++;
    const m = this.#macd;
    m.push(close);
    const prev = this.#prevHist;
    // NaN until warm, like the line.
    const hist = m.histogram;
    this.#prevHist = hist;
    if (prev <= 0 && hist > 0) return 1;
    if (prev >= 0 && hist < 0) return -1;
    return 0;
  }

  onStop(): void {}
}
