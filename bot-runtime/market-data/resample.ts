// Resampling to a larger timeframe. Buckets are aligned to the Unix epoch
// (a 1h candle opens on the hour, a 1d candle at 00:00 UTC, as exchanges do):
// open = first open, high = max, low = min, close = last close, volume = sum.
import { type Candle, type CandleSeries, CandleSeriesBuilder, formatTimeframe } from './candle.ts';

export interface ResampleOptions {
  /**
   * What to do with a bucket that lacks some of its source candles (a gap, or
   * the first and last bucket of a file): `keep` it (the default: an exchange
   * also prints a candle from whatever trades it saw) or `drop` it.
   */
  readonly incomplete?: 'keep' | 'drop';
}

function checkTarget(sourceMs: number, targetMs: number): number {
  if (!Number.isInteger(targetMs) || targetMs <= 0 || targetMs % sourceMs !== 0) {
    throw new RangeError(
      `cannot resample ${formatTimeframe(sourceMs)} candles to ${formatTimeframe(targetMs)}: the target must be a whole multiple of the source timeframe`,
    );
  }
  return targetMs / sourceMs;
}

export function resample(
  series: CandleSeries,
  targetMs: number,
  options: ResampleOptions = {},
): CandleSeries {
  const perBucket = checkTarget(series.timeframeMs, targetMs);
  const dropIncomplete = options.incomplete === 'drop';
  const out = new CandleSeriesBuilder(series.source, targetMs, Math.ceil(series.length / perBucket) + 1);
  const { time, open, high, low, close, volume } = series;
  let i = 0;
  while (i < series.length) {
    const bucket = Math.floor(time[i]! / targetMs) * targetMs;
    const end = bucket + targetMs;
    const o = open[i]!;
    let h = high[i]!;
    let l = low[i]!;
    let c = close[i]!;
    let v = volume[i]!;
    let n = 1;
    i++;
    while (i < series.length && time[i]! < end) {
      if (high[i]! > h) h = high[i]!;
      if (low[i]! < l) l = low[i]!;
      c = close[i]!;
      v += volume[i]!;
      n++;
      i++;
    }
    if (!dropIncomplete || n === perBucket) out.push(bucket, o, h, l, c, v);
  }
  return out.build();
}

/**
 * The live form: feed source candles in order, get each larger candle once its
 * bucket is over (when a candle of a later bucket arrives, or `flush()`).
 */
export class CandleAggregator {
  readonly sourceMs: number;
  readonly targetMs: number;
  readonly #perBucket: number;
  #bucket = Number.NaN;
  #o = 0;
  #h = 0;
  #l = 0;
  #c = 0;
  #v = 0;
  #n = 0;

  constructor(sourceMs: number, targetMs: number) {
    this.sourceMs = sourceMs;
    this.targetMs = targetMs;
    this.#perBucket = checkTarget(sourceMs, targetMs);
  }

  /** Adds a source candle; returns the finished larger candle when this one starts a new bucket. */
  update(c: Candle): Candle | undefined {
    const bucket = Math.floor(c.t / this.targetMs) * this.targetMs;
    let done: Candle | undefined;
    if (bucket !== this.#bucket) {
      done = this.flush();
      this.#bucket = bucket;
      this.#o = c.open;
      this.#h = c.high;
      this.#l = c.low;
      this.#c = c.close;
      this.#v = c.volume;
      this.#n = 1;
      return done;
    }
    if (c.high > this.#h) this.#h = c.high;
    if (c.low < this.#l) this.#l = c.low;
    this.#c = c.close;
    this.#v += c.volume;
    this.#n++;
    // The bucket's last source candle closes it at once: no need to wait for the next one.
    if (this.#n === this.#perBucket) return this.flush();
    return undefined;
  }

  /** The candle being built, if any, and start over. */
  flush(): Candle | undefined {
    if (Number.isNaN(this.#bucket) || this.#n === 0) return undefined;
    const c = {
      t: this.#bucket,
      open: this.#o,
      high: this.#h,
      low: this.#l,
      close: this.#c,
      volume: this.#v,
    };
    this.#n = 0;
    return c;
  }
}
