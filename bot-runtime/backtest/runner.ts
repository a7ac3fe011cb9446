// Runs a TradingBot over candle series: the kernel with a candle clock and the
// paper venue, fed straight from the columns (no candle objects, no feed).
import type { RiskPolicySpec, TradingBotSpec } from '../../crds/index.ts';
import { type Decimal, dec, Instrument } from '../domain/index.ts';
import { CandleClock, Kernel, type KernelOptions } from '../kernel/index.ts';
import {
  type CandleSeries,
  earliestNext,
  formatTimeframe,
  parseTimeframe,
  resample,
} from '../market-data/index.ts';
import { PaperVenue, type PaperVenueOptions } from '../venue/paper/index.ts';

/** Candles between two progress reports. */
const PROGRESS_EVERY = 65_536;

export interface BacktestMarket {
  /** `BASE/QUOTE`, e.g. `ETH/BTC`. */
  readonly symbol: string;
  readonly series: CandleSeries;
  /** Tick and lot sizes; 1e-8 for both by default (what BTC-quoted spot markets use). */
  readonly instrument?: Instrument;
}

export interface BacktestInput {
  /** The TradingBot spec with its defaults applied. */
  readonly bot: TradingBotSpec;
  readonly botName?: string;
  readonly policy?: RiskPolicySpec;
  readonly markets: readonly BacktestMarket[];
  /** Open times to trade, inclusive; earlier candles still warm the strategies up. */
  readonly from?: number;
  readonly to?: number;
  /** Seed of the paper venue's PRNG (default 1). */
  readonly seed?: number;
  /** Paper venue settings beyond the manifest's execution model. */
  readonly venue?: Partial<
    Pick<PaperVenueOptions, 'maxVolumeShare' | 'impactBps' | 'latencyJitterMs' | 'slippageJitterBps'>
  >;
  /** Starting cash; `spec.capital.amount` by default. */
  readonly cash?: Decimal;
  /** Correlation at or above which symbols count as one direction (default 0.7). */
  readonly correlationThreshold?: number;
  /** Strategies instead of the registry's (see KernelOptions.strategyFactory). */
  readonly strategyFactory?: KernelOptions['strategyFactory'];
  /** Called every 65,536 candles and at the end. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BacktestResult {
  readonly kernel: Kernel;
  readonly input: BacktestInput;
  readonly timeframeMs: number;
  readonly currency: string;
  readonly startingEquity: Decimal;
  /** First and last open time traded. */
  readonly from: number;
  readonly to: number;
  readonly candles: number;
  readonly warnings: readonly string[];
}

export function defaultInstrument(symbol: string): Instrument {
  const [base, quote] = symbol.split('/');
  if (!base || !quote) throw new RangeError(`symbol must be BASE/QUOTE, got "${symbol}"`);
  return new Instrument({ symbol, base, quote, tickSize: '0.00000001', lotSize: '0.00000001' });
}

/** The series on the bot's timeframe: resampled up when the data is finer; as is (with a warning) when coarser. */
export function alignTimeframe(
  series: CandleSeries,
  timeframe: string,
  warnings: string[],
  symbol: string,
): CandleSeries {
  const want = parseTimeframe(timeframe);
  if (series.timeframeMs === want) return series;
  if (want > series.timeframeMs && want % series.timeframeMs === 0) return resample(series, want);
  warnings.push(
    `${symbol}: the data is ${formatTimeframe(series.timeframeMs)} candles, coarser than spec.timeframe ${timeframe}; backtesting on ${formatTimeframe(series.timeframeMs)}`,
  );
  return series;
}

export interface BuiltKernel {
  readonly kernel: Kernel;
  readonly markets: readonly { symbol: string; series: CandleSeries; instrument: Instrument }[];
  readonly timeframeMs: number;
  readonly currency: string;
  readonly cash: Decimal;
  readonly warnings: string[];
}

/**
 * The kernel a backtest runs: a candle clock and the paper venue. Replay-paper
 * builds the same one and drives it from a feed instead of the columns.
 */
export function buildKernel(input: BacktestInput): BuiltKernel {
  const warnings: string[] = [];
  const { bot } = input;
  const markets = input.markets.map((m) => ({
    symbol: m.symbol,
    series: alignTimeframe(m.series, bot.timeframe, warnings, m.symbol),
    instrument: m.instrument ?? defaultInstrument(m.symbol),
  }));
  if (markets.length === 0) throw new RangeError('a backtest needs at least one market');
  const timeframeMs = markets[0]!.series.timeframeMs;
  for (const m of markets) {
    if (m.series.timeframeMs !== timeframeMs)
      throw new RangeError(
        `every market must have the same timeframe; ${m.symbol} has ${formatTimeframe(m.series.timeframeMs)}`,
      );
  }
  const currency = markets[0]!.instrument.quote;
  if (currency !== bot.capital.currency)
    warnings.push(
      `the data is quoted in ${currency}, spec.capital.currency is ${bot.capital.currency}: capital ${bot.capital.amount} is taken as ${currency}`,
    );
  const cash = input.cash ?? dec(bot.capital.amount);
  const venue = new PaperVenue({
    instruments: markets.map((m) => m.instrument),
    timeframeMs,
    execution: bot.execution,
    seed: input.seed ?? 1,
    ...input.venue,
  });
  const kernel = new Kernel({
    bot,
    policy: input.policy,
    markets: markets.map((m) => ({ symbol: m.symbol, instrument: m.instrument })),
    timeframeMs,
    venue,
    clock: new CandleClock(),
    cash,
    tradeFrom: input.from,
    strategyFactory: input.strategyFactory,
    correlationThreshold: input.correlationThreshold,
    expectedPoints: Math.max(...markets.map((m) => m.series.length)),
  });
  return { kernel, markets, timeframeMs, currency, cash, warnings };
}

export function runBacktest(input: BacktestInput): BacktestResult {
  const { kernel, markets, timeframeMs, currency, cash, warnings } = buildKernel(input);
  const from = input.from ?? Number.NEGATIVE_INFINITY;
  const to = input.to ?? Number.POSITIVE_INFINITY;
  kernel.onStart();
  const progress = input.onProgress;
  let total = 0;
  for (const m of markets) total += m.series.length;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  if (markets.length === 1) {
    const s = markets[0]!.series;
    const { time } = s;
    const n = s.length;
    let end = n;
    while (end > 0 && time[end - 1]! > to) end--;
    // The traded range before the loop: after it, the loop's on-stack-optimized code had no feedback and deoptimized every run.
    let a = 0;
    while (a < n && time[a]! < from) a++;
    let b = n - 1;
    while (b >= 0 && time[b]! > to) b--;
    if (a <= b) {
      first = time[a]!;
      last = time[b]!;
    }
    // In slices of 65,536 candles, each one stepRange call, with the progress after each.
    for (let i = 0; i < end; i += PROGRESS_EVERY) {
      const sliceEnd = Math.min(end, i + PROGRESS_EVERY);
      kernel.stepRange(0, s, i, sliceEnd);
      if (sliceEnd < end) progress?.(sliceEnd, total);
    }
  } else {
    // Several markets: merge by open time (ties in the order given), as MultiReplayFeed does.
    const next = new Int32Array(markets.length);
    let done = 0;
    for (;;) {
      const pick = earliestNext(markets, next);
      if (pick < 0) break;
      const s = markets[pick]!.series;
      const i = next[pick]!;
      const t = s.time[i]!;
      if (t > to) break;
      next[pick] = i + 1;
      kernel.stepAt(pick, s, i);
      if (t >= from) {
        if (t < first) first = t;
        last = t;
      }
      if (++done % PROGRESS_EVERY === 0) progress?.(done, total);
    }
  }
  kernel.onStop();
  progress?.(total, total);
  return {
    kernel,
    input,
    timeframeMs,
    currency,
    startingEquity: cash,
    from: first,
    to: last,
    candles: kernel.candles,
    warnings,
  };
}
