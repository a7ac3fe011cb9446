// RSI: buy when RSI crosses up through `oversold`, sell when it crosses down
// through `overbought` (a cross needs the previous value, hence warm-up + 1).
import type { RsiParams } from '../../crds/index.ts';
import { Rsi } from '../indicators/index.ts';
import { resolveParams } from './params.ts';
import type { Signal, Strategy } from './types.ts';

export class RsiStrategy implements Strategy {
  readonly name: string;
  readonly type = 'rsi' as const;
  readonly params: RsiParams;
  readonly warmup: number;
  readonly #rsi: Rsi;
  readonly #oversold: number;
  readonly #overbought: number;
  #prev = Number.NaN;
  #seen = 0;

  constructor(name: string, params?: Partial<RsiParams>) {
    this.name = name;
    this.params = resolveParams('rsi', params);
    this.#rsi = new Rsi(this.params.period);
    this.#oversold = this.params.oversold;
    this.#overbought = this.params.overbought;
    this.warmup = this.#rsi.warmup + 1;
  }

  get ready(): boolean {
    return this.#seen >= this.warmup;
  }

  onStart(): void {
    this.#rsi.reset();
    this.#prev = Number.NaN;
    this.#seen = 0;
  }

  onBarAt(bar: Float64Array): Signal {
    return this.onBar(bar[0]!, bar[1]!, bar[2]!, bar[3]!, bar[4]!, bar[5]!);
  }

  onBar(_t: number, _o: number, _h: number, _l: number, close: number, _v: number): Signal {
    this.#seen++;
    const prev = this.#prev;
    const rsi = this.#rsi;
    rsi.push(close);
    const cur = rsi.value;
    this.#prev = cur;
    // NaN compares false, so nothing signals before both values exist.
    if (prev < this.#oversold && cur >= this.#oversold) return 1;
    if (prev > this.#overbought && cur <= this.#overbought) return -1;
    return 0;
  }

  onStop(): void {}
}
