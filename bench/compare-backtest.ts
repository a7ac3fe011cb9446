// Two versions of the backtest, alternated in one process: the way to tell a
// change of a few per cent from the machine's own swings, which move whole
// processes by a fifth (docs/benchmarks/backtest.md, "The spread between
// processes"). Both trees' runBacktest run the same bench candles, after
// `WARMUP` untimed runs of each, `ROUNDS` times in turn (the order swapped
// every round); it prints each tree's median CPU time a run and the ratio of
// their totals, and checks that both made the same trades.
//
//   git worktree add /tmp/before <commit> && ln -s "$PWD/node_modules" /tmp/before/node_modules
//   node bench/compare-backtest.ts /tmp/before .            # RSI(14, 30/70), trading
//   QUIET=1 node bench/compare-backtest.ts /tmp/before .    # the same kernel, no orders
import { resolve } from 'node:path';
import { bootstrapCandles } from './candles.ts';

const [treeA, treeB] = process.argv.slice(2).map((tree) => resolve(tree));
if (!treeA || !treeB) {
  console.error('usage: node bench/compare-backtest.ts <tree A> <tree B>   (QUIET=1: no orders)');
  process.exit(2);
}
const N = Number(process.env.BENCH_CANDLES ?? 2_000_000);
const WARMUP = Number(process.env.WARMUP ?? 6);
const ROUNDS = Number(process.env.ROUNDS ?? 12);
const quiet = process.env.QUIET === '1';
const rsi = quiet
  ? { period: 14, oversold: 0, overbought: 100 }
  : { period: 14, oversold: 30, overbought: 70 };
const series = bootstrapCandles(N);

/** One backtest of `tree` on the shared candles: its CPU milliseconds and trade count. */
async function backtestOf(tree: string): Promise<() => { ms: number; trades: number }> {
  const { runBacktest } = await import(`${tree}/bot-runtime/backtest/runner.ts`);
  const { DEFAULT_RISK_POLICY } = await import(`${tree}/bot-runtime/risk/index.ts`);
  const { tradingBotSpec } = await import(`${tree}/crds/index.ts`);
  const bot = tradingBotSpec(
    {
      exchange: { name: 'binance' },
      symbols: ['ETH/BTC'],
      timeframe: '5m',
      capital: { amount: '1', currency: 'BTC' },
      strategies: [{ name: 'rsi', type: 'rsi', rsi }],
    },
    'bench',
  );
  const policy = { ...DEFAULT_RISK_POLICY, maxDrawdownPercent: '100' };
  return () => {
    const c0 = process.cpuUsage();
    const result = runBacktest({ bot, policy, markets: [{ symbol: 'ETH/BTC', series }] });
    const trades = result.kernel.trades.length;
    const c = process.cpuUsage(c0);
    return { ms: (c.user + c.system) / 1e3, trades };
  };
}

const a = await backtestOf(treeA);
const b = await backtestOf(treeB);
for (let i = 0; i < WARMUP; i++) {
  a();
  b();
}
const msA: number[] = [];
const msB: number[] = [];
const trades = new Set<string>();
for (let round = 0; round < ROUNDS; round++) {
  const [first, second] = round % 2 === 0 ? [a, b] : [b, a];
  const x = first();
  const y = second();
  const [ra, rb] = round % 2 === 0 ? [x, y] : [y, x];
  msA.push(ra.ms);
  msB.push(rb.ms);
  trades.add(`${ra.trades}/${rb.trades}`);
}
const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1]!;
const total = (xs: number[]) => xs.reduce((p, q) => p + q, 0);
const rate = (ms: number) => `${(N / ms / 1e3).toFixed(2)} M candles/s`;
console.log(
  JSON.stringify({
    candles: N,
    mode: quiet ? 'noOrders' : 'rsi',
    a: { tree: treeA, medianMs: Number(median(msA).toFixed(1)), rate: rate(median(msA)) },
    b: { tree: treeB, medianMs: Number(median(msB).toFixed(1)), rate: rate(median(msB)) },
    ratioOfTotals: Number((total(msB) / total(msA)).toFixed(3)),
    bFasterInRounds: `${msA.filter((ms, i) => msB[i]! < ms).length}/${ROUNDS}`,
    trades: [...trades],
  }),
);
if (trades.size !== 1 || [...trades][0]!.split('/')[0] !== [...trades][0]!.split('/')[1])
  console.error('the two trees made different trades: they are not the same backtest');
