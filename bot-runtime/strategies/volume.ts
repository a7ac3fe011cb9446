// Volume spikes: a candle whose volume exceeds `spikeMultiplier` times the
// average volume of the `period` candles before it, with a body of at least
// `minPriceChangePercent` of its open, signals in the candle's direction.
// The average excludes the candle itself, so a spike cannot dilute its own test.
import type { VolumeParams } from '../../crds/index.ts';
import { Sma } from '../indicators/index.ts';
import { resolveParams } from './params.ts';
import type { Signal, Strategy } from './types.ts';

export class VolumeStrategy implements Strategy {
  readonly name: string;
  readonly type = 'volume' as const;
  readonly params: VolumeParams;
  readonly warmup: number;
  readonly #avg: Sma;
  readonly #mult: number;
  readonly #minBody: number;
  #seen = 0;

  constructor(name: string, params?: Partial<VolumeParams>) {
    this.name = name;
    this.params = resolveParams('volume', params);
    this.#avg = new Sma(this.params.period);
    this.#mult = this.params.spikeMultiplier;
    this.#minBody = this.params.minPriceChangePercent / 100;
    this.warmup = this.params.period + 1;
  }

  get ready(): boolean {
    return this.#seen >= this.warmup;
  }

  onStart(): void {
    this.#avg.reset();
    this.#seen = 0;
  }

  onBarAt(bar: Float64Array): Signal {
    return this.onBar(bar[0]!, bar[1]!, bar[2]!, bar[3]!, bar[4]!, bar[5]!);
  }

  onBar(_t: number, open: number, _h: number, _l: number, close: number, volume: number): Signal {
    this.#seen++;
    const avg = this.#avg.value;
    this.#avg.update(volume);
    if (!(avg > 0) || !(volume > this.#mult * avg) || !(open > 0)) return 0;
    const body = (close - open) / open;
    if (body === 0 || Math.abs(body) < this.#minBody) return 0;
    return body > 0 ? 1 : -1;
  }

  onStop(): void {}
}
