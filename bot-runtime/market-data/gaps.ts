// The one place that decides what a sequence of candle rows may look like:
// strictly increasing open times on the timeframe's grid, and an explicit
// policy for holes. Both loaders (CSV, JSON) feed their rows through it.
import { CandleSeriesBuilder } from './candle.ts';
import { CandleDataError, CandleDataErrorCode } from './errors.ts';

/**
 * What to do when candles are missing between two rows.
 * - `reject` (the default): throw a `GAP` error naming the row after the hole.
 * - `fill`: insert flat candles (open = high = low = close = the previous close, volume 0),
 *   which is what an exchange reports for a minute without trades.
 * - `keep`: keep the rows as recorded (indices then skip time); the gaps are still reported.
 */
export type GapPolicy = 'reject' | 'fill' | 'keep';
export const GAP_POLICIES: readonly GapPolicy[] = ['reject', 'fill', 'keep'];

/** The most flat candles `fill` invents for one input, so a wild timestamp cannot exhaust memory. */
export const MAX_FILLED_CANDLES = 1_000_000;

/** A hole in the data: `missing` candles between the row at `line` and the one before it. */
export interface Gap {
  /** Line (CSV, 1-based) or element (JSON, 0-based) of the first row after the hole. */
  readonly line: number;
  /** Open time of the first missing candle. */
  readonly from: number;
  /** Open time of the row after the hole. */
  readonly to: number;
  readonly missing: number;
}

/** Accepts rows in order, checks them and applies the gap policy. */
export class CandleSequencer {
  readonly source: string;
  readonly timeframeMs: number;
  readonly policy: GapPolicy;
  readonly gaps: Gap[] = [];
  readonly #builder: CandleSeriesBuilder;
  readonly #where: (line: number) => string;
  #lastLine = 0;
  #filled = 0;

  constructor(
    source: string,
    timeframeMs: number,
    policy: GapPolicy,
    capacity: number,
    where: (line: number) => string = (line) => `${source}:${line}`,
  ) {
    if (!Number.isInteger(timeframeMs) || timeframeMs <= 0) {
      throw new CandleDataError(
        CandleDataErrorCode.UNKNOWN_TIMEFRAME,
        source,
        0,
        `timeframe must be a positive whole number of milliseconds, got ${timeframeMs}`,
      );
    }
    this.source = source;
    this.timeframeMs = timeframeMs;
    this.policy = policy;
    this.#builder = new CandleSeriesBuilder(source, timeframeMs, capacity);
    this.#where = where;
  }

  fail(code: CandleDataErrorCode, line: number, detail: string): never {
    throw new CandleDataError(code, this.source, line, detail, this.#where(line));
  }

  /** Add one parsed row; `line` locates it in errors. */
  add(line: number, t: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (!Number.isSafeInteger(t) || t < 0) {
      this.fail(
        CandleDataErrorCode.BAD_TIMESTAMP,
        line,
        `timestamp ${t} is not a whole number of epoch milliseconds`,
      );
    }
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
      this.fail(CandleDataErrorCode.NEGATIVE_VALUE, line, 'prices must be greater than zero');
    }
    if (!(volume >= 0)) this.fail(CandleDataErrorCode.NEGATIVE_VALUE, line, `volume ${volume} is negative`);
    if (high < low || high < open || high < close || low > open || low > close) {
      this.fail(
        CandleDataErrorCode.INCONSISTENT_OHLC,
        line,
        `high ${high} and low ${low} must bound open ${open} and close ${close}`,
      );
    }
    const b = this.#builder;
    if (b.length > 0) {
      const prev = b.lastTime;
      const step = this.timeframeMs;
      if (t === prev) {
        this.fail(
          CandleDataErrorCode.DUPLICATE,
          line,
          `duplicate timestamp ${t} (also at ${this.#where(this.#lastLine)})`,
        );
      }
      if (t < prev) {
        this.fail(
          CandleDataErrorCode.OUT_OF_ORDER,
          line,
          `timestamp ${t} is earlier than ${prev} at ${this.#where(this.#lastLine)}; rows must be oldest first`,
        );
      }
      const delta = t - prev;
      if (delta % step !== 0) {
        this.fail(
          CandleDataErrorCode.MISALIGNED,
          line,
          `timestamp ${t} is ${delta} ms after the previous candle, not a multiple of the ${step} ms timeframe`,
        );
      }
      if (delta > step) {
        const missing = delta / step - 1;
        this.gaps.push({ line, from: prev + step, to: t, missing });
        if (this.policy === 'reject') {
          this.fail(
            CandleDataErrorCode.GAP,
            line,
            `${missing} candle(s) missing between ${new Date(prev).toISOString()} and ${new Date(t).toISOString()} (gap policy "reject"; use "fill" or "keep" to accept gaps)`,
          );
        }
        if (this.policy === 'fill') {
          if (this.#filled + missing > MAX_FILLED_CANDLES) {
            this.fail(
              CandleDataErrorCode.GAP,
              line,
              `filling ${missing} missing candle(s) would pass ${MAX_FILLED_CANDLES} invented candles for this file; the data is too sparse to fill (use "keep")`,
            );
          }
          this.#filled += missing;
          const c = b.lastClose;
          for (let ts = prev + step; ts < t; ts += step) b.push(ts, c, c, c, c, 0);
        }
      }
    }
    b.push(t, open, high, low, close, volume);
    this.#lastLine = line;
  }

  get length(): number {
    return this.#builder.length;
  }

  build() {
    return this.#builder.build();
  }
}

/** Gaps in a series already loaded: holes between consecutive open times. `line` is the series index. */
export function findGaps(time: Float64Array, timeframeMs: number): Gap[] {
  const gaps: Gap[] = [];
  for (let i = 1; i < time.length; i++) {
    const delta = time[i]! - time[i - 1]!;
    if (delta > timeframeMs) {
      gaps.push({
        line: i,
        from: time[i - 1]! + timeframeMs,
        to: time[i]!,
        missing: Math.round(delta / timeframeMs) - 1,
      });
    }
  }
  return gaps;
}
