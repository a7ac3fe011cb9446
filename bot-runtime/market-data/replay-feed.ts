// Replays a candle series as a feed, at `speed` times real time: the wait
// between two candles is their time difference divided by the speed, so a
// gap in the data is also a (shorter) gap in the replay. `speed: Infinity`
// replays as fast as possible, yielding to the event loop now and then.
import { type CandleSeries, candleAt } from './candle.ts';
import { type CandleEvent, type CandleFeed, realSleep, type Sleep } from './feed.ts';

export interface ReplayOptions {
  readonly symbol: string;
  /** Times real time: 1 is real time, 60 plays a 5m candle every 5 s, Infinity as fast as possible. */
  readonly speed: number;
  /** Open times to replay, inclusive; the whole series by default. */
  readonly from?: number;
  readonly to?: number;
  /** Injected in tests; a timer otherwise. */
  readonly sleep?: Sleep;
  /** At infinite speed, yield to the event loop every this many candles (default 1024). */
  readonly yieldEvery?: number;
}

/** One market's replay: a `MultiReplayFeed` of one. */
export class ReplayFeed implements CandleFeed {
  readonly #replay: MultiReplayFeed;

  constructor(series: CandleSeries, options: ReplayOptions) {
    this.#replay = new MultiReplayFeed([{ symbol: options.symbol, series }], options);
  }

  close(): void {
    this.#replay.close();
  }

  get closed(): boolean {
    return this.#replay.closed;
  }

  [Symbol.asyncIterator](): AsyncIterator<CandleEvent> {
    return this.#replay[Symbol.asyncIterator]();
  }
}

export interface ReplayMarket {
  readonly symbol: string;
  readonly series: CandleSeries;
}

/**
 * Replays several markets as one feed in open-time order (markets with the
 * same open time in the order given), for multi-symbol backtests and paper
 * runs. Waits as ReplayFeed does: time difference / speed, nothing between
 * candles that open together.
 */
export class MultiReplayFeed implements CandleFeed {
  readonly markets: readonly ReplayMarket[];
  readonly options: Omit<ReplayOptions, 'symbol'>;
  readonly #abort = new AbortController();

  constructor(markets: readonly ReplayMarket[], options: Omit<ReplayOptions, 'symbol'>) {
    if (!(options.speed > 0))
      throw new RangeError(`replay speed must be greater than 0, got ${options.speed}`);
    const seen = new Set<string>();
    for (const m of markets) {
      if (seen.has(m.symbol)) throw new RangeError(`market ${m.symbol} is given twice`);
      seen.add(m.symbol);
    }
    this.markets = markets;
    this.options = options;
  }

  close(): void {
    this.#abort.abort();
  }

  get closed(): boolean {
    return this.#abort.signal.aborted;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<CandleEvent> {
    const { speed, from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY } = this.options;
    const sleep = this.options.sleep ?? realSleep;
    const yieldEvery = this.options.yieldEvery ?? 1024;
    const signal = this.#abort.signal;
    const markets = this.markets;
    // Next index per market, starting at `from`.
    const next = markets.map((m) => {
      let i = 0;
      while (i < m.series.length && m.series.time[i]! < from) i++;
      return i;
    });
    let prevT = Number.NaN;
    let sinceYield = 0;
    for (;;) {
      const pick = earliestNext(markets, next);
      if (pick < 0) return;
      const t = markets[pick]!.series.time[next[pick]!]!;
      if (t > to) return;
      if (!Number.isNaN(prevT)) {
        if (Number.isFinite(speed)) {
          if (t > prevT) await sleep((t - prevT) / speed, signal);
        } else if (++sinceYield >= yieldEvery) {
          sinceYield = 0;
          await sleep(0, signal);
        }
      }
      if (signal.aborted) return;
      prevT = t;
      const m = markets[pick]!;
      const i = next[pick]!;
      next[pick] = i + 1;
      yield { symbol: m.symbol, timeframeMs: m.series.timeframeMs, candle: candleAt(m.series, i) };
    }
  }
}

/**
 * The market whose next candle (at `next[k]`) opens first, the first given on
 * a tie, or -1 when every market is done: the merge step of a replay in
 * open-time order, shared with the backtest runner's loop.
 */
export function earliestNext(
  markets: readonly { readonly series: CandleSeries }[],
  next: ArrayLike<number>,
): number {
  let pick = -1;
  let t = Number.POSITIVE_INFINITY;
  for (let k = 0; k < markets.length; k++) {
    const s = markets[k]!.series;
    const i = next[k]!;
    if (i < s.length && s.time[i]! < t) {
      t = s.time[i]!;
      pick = k;
    }
  }
  return pick;
}
