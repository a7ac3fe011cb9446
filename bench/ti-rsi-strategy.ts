// The RSI strategy with its indicator from the `technicalindicators` package's
// streaming API (`new RSI(...).nextValue(close)`): the baseline of the backtest
// benchmark. Same signal rule as bot-runtime/strategies/rsi.ts; everything else
// (kernel, risk, paper fills) is shared.
import { createRequire } from 'node:module';
import type { Signal, Strategy } from '../bot-runtime/strategies/index.ts';

const require = createRequire(import.meta.url);
const { RSI } = require('technicalindicators') as {
  RSI: new (input: { period: number; values: number[] }) => { nextValue(v: number): number | undefined };
};

export class TiRsiStrategy implements Strategy {
  readonly name: string;
  readonly type = 'rsi' as const;
  readonly warmup: number;
  readonly #period: number;
  readonly #oversold: number;
  readonly #overbought: number;
  #rsi: { nextValue(v: number): number | undefined };
  #prev = Number.NaN;
  #seen = 0;

  constructor(name: string, period = 14, oversold = 30, overbought = 70) {
    this.name = name;
    this.#period = period;
    this.#oversold = oversold;
    this.#overbought = overbought;
    this.#rsi = new RSI({ period, values: [] });
    this.warmup = period + 2;
  }

  get ready(): boolean {
    return this.#seen >= this.warmup;
  }

  onStart(): void {
    this.#rsi = new RSI({ period: this.#period, values: [] });
    this.#prev = Number.NaN;
    this.#seen = 0;
  }

  onBar(_t: number, _o: number, _h: number, _l: number, close: number, _v: number): Signal {
    this.#seen++;
    const prev = this.#prev;
    const v = this.#rsi.nextValue(close);
    const cur = v === undefined ? Number.NaN : v;
    this.#prev = cur;
    if (prev < this.#oversold && cur >= this.#oversold) return 1;
    if (prev > this.#overbought && cur <= this.#overbought) return -1;
    return 0;
  }

  onStop(): void {}
}
