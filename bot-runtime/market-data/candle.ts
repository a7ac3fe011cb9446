// Candles. One candle is a small plain object (what a live feed emits); a
// series is columnar, one Float64Array per field, so backtests and batch
// indicators walk flat memory without allocating per candle.

import { doubled } from '../domain/lists.ts';

/** One OHLCV candle. `t` is the open time in Unix epoch milliseconds, UTC. */
export interface Candle {
  readonly t: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A columnar run of candles of one market and timeframe, oldest first. */
export interface CandleSeries {
  /** Where the candles came from (a file path, a URL, `memory`): named in errors. */
  readonly source: string;
  /** Candle length in milliseconds. */
  readonly timeframeMs: number;
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** The six columns of a series: what the kernel steps through. */
export type CandleColumns = Pick<CandleSeries, 'time' | 'open' | 'high' | 'low' | 'close' | 'volume'>;

/** A series with room for `capacity` candles, filled by the loaders and the resampler. */
export class CandleSeriesBuilder {
  readonly source: string;
  readonly timeframeMs: number;
  #length = 0;
  #time: Float64Array;
  #open: Float64Array;
  #high: Float64Array;
  #low: Float64Array;
  #close: Float64Array;
  #volume: Float64Array;

  constructor(source: string, timeframeMs: number, capacity = 1024) {
    this.source = source;
    this.timeframeMs = timeframeMs;
    const n = Math.max(1, capacity);
    this.#time = new Float64Array(n);
    this.#open = new Float64Array(n);
    this.#high = new Float64Array(n);
    this.#low = new Float64Array(n);
    this.#close = new Float64Array(n);
    this.#volume = new Float64Array(n);
  }

  get length(): number {
    return this.#length;
  }

  /** The last candle's close; NaN while empty. */
  get lastClose(): number {
    return this.#length === 0 ? Number.NaN : this.#close[this.#length - 1]!;
  }

  get lastTime(): number {
    return this.#length === 0 ? Number.NaN : this.#time[this.#length - 1]!;
  }

  push(t: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.#length === this.#time.length) this.#grow();
    const i = this.#length++;
    this.#time[i] = t;
    this.#open[i] = open;
    this.#high[i] = high;
    this.#low[i] = low;
    this.#close[i] = close;
    this.#volume[i] = volume;
  }

  build(): CandleSeries {
    const n = this.#length;
    return {
      source: this.source,
      timeframeMs: this.timeframeMs,
      length: n,
      time: this.#time.slice(0, n),
      open: this.#open.slice(0, n),
      high: this.#high.slice(0, n),
      low: this.#low.slice(0, n),
      close: this.#close.slice(0, n),
      volume: this.#volume.slice(0, n),
    };
  }

  #grow(): void {
    this.#time = doubled(this.#time);
    this.#open = doubled(this.#open);
    this.#high = doubled(this.#high);
    this.#low = doubled(this.#low);
    this.#close = doubled(this.#close);
    this.#volume = doubled(this.#volume);
  }
}

/** The candle at index `i` of a series, as an object (for feeds and tests, not hot loops). */
export function candleAt(series: CandleSeries, i: number): Candle {
  if (!Number.isInteger(i) || i < 0 || i >= series.length) {
    throw new RangeError(`candle index ${i} is outside 0..${series.length - 1} of ${series.source}`);
  }
  return {
    t: series.time[i]!,
    open: series.open[i]!,
    high: series.high[i]!,
    low: series.low[i]!,
    close: series.close[i]!,
    volume: series.volume[i]!,
  };
}

/** A series from candle objects (tests, JSON, live backfill). Does not validate; the loaders do. */
export function seriesFromCandles(
  candles: readonly Candle[],
  timeframeMs: number,
  source = 'memory',
): CandleSeries {
  const b = new CandleSeriesBuilder(source, timeframeMs, candles.length);
  for (const c of candles) b.push(c.t, c.open, c.high, c.low, c.close, c.volume);
  return b.build();
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Milliseconds in a timeframe such as `1m`, `5m`, `1h`, `4h`, `1d`, `1w`. */
export function parseTimeframe(timeframe: string): number {
  const m = /^([1-9][0-9]*)([smhdw])$/.exec(timeframe);
  if (!m)
    throw new RangeError(
      `invalid timeframe "${timeframe}": expected a count and a unit, e.g. 1m, 5m, 1h, 1d`,
    );
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** The shortest name for a timeframe in milliseconds (`300000` -> `5m`). */
export function formatTimeframe(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit];
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
