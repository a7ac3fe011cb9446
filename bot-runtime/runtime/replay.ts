// The standalone feed's candles: the manifest's replay files (or `--data`),
// replayed at the manifest's speed, looping if asked. Each pass of a loop is
// shifted to start one timeframe after the previous pass ended, so time only
// moves forward (the kernel and the ledger rely on it). Candles the executor
// has already processed (a restart) are replayed at once, without waits.
import { resolve } from 'node:path';
import type { TradingBotSpec } from '../../crds/index.ts';
import { alignTimeframe } from '../backtest/runner.ts';
import {
  type CandleEvent,
  type CandleFeed,
  type CandleSeries,
  loadCandles,
  MultiReplayFeed,
  type Sleep,
} from '../market-data/index.ts';
import { StandaloneError } from './errors.ts';

export interface ReplayMarketData {
  readonly symbol: string;
  readonly path: string;
  readonly series: CandleSeries;
}

/** `ETH/BTC=path.csv` or a path named like `ETH-BTC_5m.csv`. */
export function parseDataArg(arg: string): { symbol: string; path: string } {
  const eq = /^([A-Z0-9]{2,12}\/[A-Z0-9]{2,12})=(.+)$/.exec(arg);
  if (eq) return { symbol: eq[1]!, path: eq[2]! };
  const base = arg.split(/[\\/]/).at(-1) ?? arg;
  const m = /^([A-Z0-9]{2,12})-([A-Z0-9]{2,12})(?:_[^.]*)?\.(?:csv|json)$/i.exec(base);
  if (!m) throw new StandaloneError(`--data ${arg}: name the market, as in ETH-BTC_5m.csv or ETH/BTC=${arg}`);
  return { symbol: `${m[1]!.toUpperCase()}/${m[2]!.toUpperCase()}`, path: arg };
}

/** The files to replay: `--data` when given, else spec.marketData.replay.files; paths resolve from `cwd`. */
export function replayFiles(
  bot: TradingBotSpec,
  data: readonly string[] | undefined,
  cwd = process.cwd(),
): { symbol: string; path: string }[] {
  const files =
    data && data.length > 0
      ? data.map(parseDataArg)
      : (bot.marketData.replay?.files ?? []).map((f) => ({ ...f }));
  return files.map((f) => ({ symbol: f.symbol, path: resolve(cwd, f.path) }));
}

export function loadReplayMarkets(
  bot: TradingBotSpec,
  files: readonly { symbol: string; path: string }[],
  warnings: string[],
): ReplayMarketData[] {
  return files.map((f) => ({
    symbol: f.symbol,
    path: f.path,
    series: alignTimeframe(loadCandles(f.path, { gaps: 'keep' }).series, bot.timeframe, warnings, f.symbol),
  }));
}

export interface LoopingReplayOptions {
  /** Times real time; Infinity (or 0 in the manifest) as fast as possible. */
  readonly speed: number;
  readonly loop: boolean;
  /** Candles closing at or before this time go out without waits (already processed before a restart). */
  readonly fastUntil?: number;
  /** Injected in tests; a timer otherwise. */
  readonly sleep?: Sleep;
}

/** A replay of several markets that can loop and fast-forward; a CandleFeed like any other. */
export class LoopingReplay implements CandleFeed {
  readonly #markets: readonly ReplayMarketData[];
  readonly #options: LoopingReplayOptions;
  #current: CandleFeed | undefined;
  #closed = false;

  constructor(markets: readonly ReplayMarketData[], options: LoopingReplayOptions) {
    if (markets.length === 0) throw new RangeError('nothing to replay');
    this.#markets = markets;
    this.#options = options;
  }

  close(): void {
    this.#closed = true;
    this.#current?.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<CandleEvent> {
    const markets = this.#markets;
    const tf = markets[0]!.series.timeframeMs;
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const m of markets) {
      if (m.series.length === 0) continue;
      first = Math.min(first, m.series.time[0]!);
      last = Math.max(last, m.series.time[m.series.length - 1]!);
    }
    if (!Number.isFinite(first)) return;
    const period = last - first + tf;
    const fastUntil = this.#options.fastUntil ?? Number.NEGATIVE_INFINITY;
    const speed = this.#options.speed > 0 ? this.#options.speed : Number.POSITIVE_INFINITY;
    for (let pass = 0; !this.#closed; pass++) {
      const shift = pass * period;
      // Open times (unshifted) whose candle closed at or before fastUntil go out at once.
      const fastTo = fastUntil - shift - tf;
      const parts: { from?: number; to?: number; speed: number }[] = [];
      if (fastTo >= last) parts.push({ speed: Number.POSITIVE_INFINITY });
      else if (fastTo >= first)
        parts.push({ to: fastTo, speed: Number.POSITIVE_INFINITY }, { from: fastTo + 1, speed });
      else parts.push({ speed });
      for (const part of parts) {
        if (this.#closed) return;
        const feed = new MultiReplayFeed(markets, {
          ...part,
          ...(this.#options.sleep ? { sleep: this.#options.sleep } : {}),
        });
        this.#current = feed;
        for await (const e of feed) {
          if (this.#closed) return;
          yield shift === 0 ? e : { ...e, candle: { ...e.candle, t: e.candle.t + shift } };
        }
      }
      if (!this.#options.loop) return;
    }
  }
}
