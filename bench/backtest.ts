// The backtest figures of `npm run bench` (BENCH_ONLY=backtest): see docs/benchmarks/backtest.md.
//
// backtest.rsi.candlesPerSecond: `botcore backtest` speed on one core: the
// kernel (RSI strategy, risk engine, paper venue with fees, slippage, partial
// fills and latency, decimal portfolio) over BENCH_CANDLES (default 2,000,000)
// 5m candles bootstrapped from the real ETH/BTC file, its trade records read
// as the report reads them (the kernel makes them when read); baseline: the same
// kernel, fills and signal rule with the indicator from technicalindicators'
// streaming API, in the same run. Then the bare indicator loops, an ensemble of
// four strategies, and the peak memory of the process.
import { createRequire } from 'node:module';
import { resourceUsage } from 'node:process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { runBacktest } from '../bot-runtime/backtest/runner.ts';
import { Rsi } from '../bot-runtime/indicators/index.ts';
import type { CandleSeries } from '../bot-runtime/market-data/index.ts';
import { DEFAULT_RISK_POLICY } from '../bot-runtime/risk/index.ts';
import type { Strategy } from '../bot-runtime/strategies/index.ts';
import { tradingBotSpec } from '../crds/index.ts';
import { bootstrapCandles } from './candles.ts';
import { onnxFigure } from './onnx-model.ts';
import { TiRsiStrategy } from './ti-rsi-strategy.ts';

let print: (line: string) => void = console.log;

const N = Number(process.env.BENCH_CANDLES ?? 2_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/**
 * Untimed runs before the timed ones. V8 keeps compiling the order path's
 * functions (they run about 10^4 times a run) through about the fourth run of
 * a process, on helper threads whose CPU time the rates count: see
 * docs/benchmarks/backtest.md, "Warm-up".
 */
const WARMUP = Math.max(1, Number(process.env.BENCH_WARMUP ?? 5));
const TARGET = 10_000_000;

function emit(figure: Record<string, unknown>): void {
  print(JSON.stringify(figure));
}

function bot(strategies: unknown[]) {
  return tradingBotSpec(
    {
      exchange: { name: 'binance' },
      symbols: ['ETH/BTC'],
      timeframe: '5m',
      capital: { amount: '1', currency: 'BTC' },
      strategies,
    },
    'bench',
  );
}

/** Candles per second of this process's CPU time (user + system, V8's helper threads included) while `fn` runs. */
function cpuRate<T>(fn: () => T): { rate: number; wallRate: number; result: T } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = fn();
  const dt = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { rate: N / ((c.user + c.system) / 1e6), wallRate: (N / dt) * 1000, result };
}

/**
 * `WARMUP` untimed calls, then `RUNS` timed calls; the median rate. Rates are
 * per second of CPU time (cpuRate), which other work on the machine disturbs
 * less than wall time; the wall-clock median is reported beside it, and the
 * first call's rate (the cold run: compiles included) too.
 */
function measure<T>(fn: () => T): { perSecond: number; wallPerSecond: number; firstRun: number; result: T } {
  const first = cpuRate(fn);
  let result = first.result;
  for (let i = 1; i < WARMUP; i++) result = fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const timed = cpuRate(fn);
    result = timed.result;
    cpu.push(timed.rate);
    wall.push(timed.wallRate);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { perSecond: median(cpu), wallPerSecond: median(wall), firstRun: first.rate, result };
}

export async function run(printLine: (line: string) => void = console.log): Promise<void> {
  print = printLine;
  const series: CandleSeries = bootstrapCandles(N);
  const rsiBot = bot([{ name: 'rsi', type: 'rsi', rsi: { period: 14, oversold: 30, overbought: 70 } }]);
  // The default RiskPolicy, except that no drawdown halts the bot: it trades through all the candles.
  const policy = { ...DEFAULT_RISK_POLICY, maxDrawdownPercent: '100' };
  // The trade records are read inside the clock: the kernel makes them when read, and every product
  // path that reports a backtest (botcore backtest, sweep's metrics) reads them.
  const backtest = (strategyFactory?: () => Strategy[]) => () => {
    const result = runBacktest({
      bot: rsiBot,
      policy,
      markets: [{ symbol: 'ETH/BTC', series }],
      strategyFactory,
    });
    void result.kernel.trades.length;
    return result;
  };

  const ours = measure(backtest());
  // Peak memory so far: the candles and our backtests only (technicalindicators has not run yet).
  const oursPeakRss = resourceUsage().maxRSS * 1024;
  const theirs = measure(backtest(() => [new TiRsiStrategy('rsi', 14, 30, 70)]));
  const k = ours.result.kernel;
  // Both compute RSI with Wilder's smoothing, but technicalindicators rounds and seeds
  // differently, so a few crosses (and the trades after them) may differ.
  const sameTrades = JSON.stringify(k.trades) === JSON.stringify(theirs.result.kernel.trades);
  emit({
    name: 'backtest.rsi.candlesPerSecond',
    value: Math.round(ours.perSecond),
    unit: 'candles/s',
    wallClock: Math.round(ours.wallPerSecond),
    firstRun: Math.round(ours.firstRun),
    baseline: Math.round(theirs.perSecond),
    baselineName: 'same kernel and fills, RSI from technicalindicators streaming nextValue',
    ratio: Number((ours.perSecond / theirs.perSecond).toFixed(2)),
    target: TARGET,
    targetRatio: Number((ours.perSecond / TARGET).toFixed(3)),
    candles: N,
    trades: k.trades.length,
    fills: k.fills.length,
    orders: k.orders.length,
    baselineTrades: theirs.result.kernel.trades.length,
    sameTrades,
  });

  // The same backtest with every record made: the kernel keeps orders and fills as counts too and
  // makes their records when read; the report only counts them, a caller that lists them pays this.
  const withRecords = measure(() => {
    const r = backtest()();
    const { kernel } = r;
    return kernel.orders.length + kernel.fills.length + kernel.trades.length;
  });
  emit({
    name: 'backtest.rsi.withRecords.candlesPerSecond',
    value: Math.round(withRecords.perSecond),
    unit: 'candles/s',
    wallClock: Math.round(withRecords.wallPerSecond),
    candles: N,
    records: withRecords.result,
    note: 'backtest.rsi with kernel.orders and kernel.fills read too after each run (their records are made when read)',
  });

  // The kernel's cost per candle when nothing trades: RSI levels it never crosses.
  const quietBot = bot([{ name: 'rsi', type: 'rsi', rsi: { period: 14, oversold: 0, overbought: 100 } }]);
  const quiet = measure(() =>
    runBacktest({ bot: quietBot, policy, markets: [{ symbol: 'ETH/BTC', series }] }),
  );
  emit({
    name: 'backtest.rsi.noOrders.candlesPerSecond',
    value: Math.round(quiet.perSecond),
    unit: 'candles/s',
    wallClock: Math.round(quiet.wallPerSecond),
    candles: N,
    note: 'the same kernel with an RSI strategy that never signals: the per-candle cost without order or fill work',
  });

  // The indicator alone: our incremental RSI vs technicalindicators' streaming RSI.
  const close = series.close;
  const bare = measure(() => {
    const r = new Rsi(14);
    let acc = 0;
    for (let i = 0; i < close.length; i++) acc += r.update(close[i]!) || 0;
    return acc;
  });
  const require = createRequire(import.meta.url);
  const { RSI } = require('technicalindicators') as {
    RSI: new (input: { period: number; values: number[] }) => { nextValue(v: number): number | undefined };
  };
  const tiBare = measure(() => {
    const r = new RSI({ period: 14, values: [] });
    let acc = 0;
    for (let i = 0; i < close.length; i++) acc += r.nextValue(close[i]!) ?? 0;
    return acc;
  });
  emit({
    name: 'indicator.rsi.updatesPerSecond',
    value: Math.round(bare.perSecond),
    unit: 'updates/s',
    baseline: Math.round(tiBare.perSecond),
    baselineName: 'technicalindicators RSI nextValue',
    ratio: Number((bare.perSecond / tiBare.perSecond).toFixed(2)),
  });

  // Four strategies voting (RSI, MACD, Bollinger, stochastic) on the same candles.
  const ensembleBot = bot([
    { name: 'rsi', type: 'rsi', weight: '2', rsi: {} },
    { name: 'macd', type: 'macd', macd: {} },
    { name: 'bands', type: 'bollinger', bollinger: {} },
    { name: 'stoch', type: 'stochastic', stochastic: {} },
  ]);
  const ensemble = measure(() =>
    runBacktest({ bot: ensembleBot, policy, markets: [{ symbol: 'ETH/BTC', series }] }),
  );
  emit({
    name: 'backtest.ensemble4.candlesPerSecond',
    value: Math.round(ensemble.perSecond),
    unit: 'candles/s',
    wallClock: Math.round(ensemble.wallPerSecond),
    candles: N,
    trades: ensemble.result.kernel.trades.length,
  });

  // What one finished backtest keeps alive (equity curve, orders, fills, trades), after full GCs.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // Array buffers of dead results are freed by a sweeper after the collection: let it finish before each reading.
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await settle();
  const before = process.memoryUsage();
  let kept: unknown = backtest()();
  await settle();
  const after = process.memoryUsage();
  emit({
    name: 'backtest.rsi.retainedBytes',
    value: after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers),
    unit: 'bytes',
    candles: N,
    note: 'heap and array buffers held by one backtest result (the candles themselves excluded)',
  });
  kept = undefined;
  void kept;

  emit(await onnxFigure(series));

  emit({
    name: 'backtest.rsi.peakRss',
    value: oursPeakRss,
    unit: 'bytes',
    candles: N,
    note: 'process peak after generating the candles and running our RSI backtest BENCH_WARMUP + BENCH_RUNS times',
  });
  emit({
    name: 'bench.peakRss',
    value: resourceUsage().maxRSS * 1024,
    unit: 'bytes',
    candles: N,
    note: 'whole bench process at the end, technicalindicators runs included',
  });
}
