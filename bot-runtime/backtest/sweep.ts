// Parameter sweeps: a grid (or a seeded random sample of it) of one
// strategy's parameters, each combination backtested on the in-sample part of
// the period and then on the out-of-sample rest, ranked by a chosen in-sample
// metric. `runSweep` spreads the combinations over worker threads.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RiskPolicySpec, TradingBotSpec } from '../../crds/index.ts';
import { dec } from '../domain/index.ts';
import { loadCandles } from '../market-data/index.ts';
import { resolveParams } from '../strategies/index.ts';
import type { StrategyType } from '../strategies/types.ts';
import { Prng } from '../venue/paper/prng.ts';
import { buildReport } from './report.ts';
import { type BacktestMarket, runBacktest } from './runner.ts';

export type ParamValue = number | string;
export type Combination = Record<string, ParamValue>;

export interface ParamSpace {
  readonly name: string;
  readonly values: readonly ParamValue[];
}

export const SWEEP_METRICS = [
  'sharpe',
  'sortino',
  'calmar',
  'cagr',
  'totalReturn',
  'profitFactor',
  'expectancy',
  'winRate',
] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number];

/** `period=7,14,21`, `period=5..30:5` (inclusive, step 1 by default) or `mode=breakout,meanReversion`. */
export function parseParam(text: string): ParamSpace {
  const m = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(text.trim());
  if (!m)
    throw new RangeError(`--param ${text}: expected name=values, e.g. period=7,14,21 or period=5..30:5`);
  const name = m[1]!;
  const spec = m[2]!;
  const range = /^(-?[0-9.]+)\.\.(-?[0-9.]+)(?::([0-9.]+))?$/.exec(spec);
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    const step = range[3] === undefined ? 1 : Number(range[3]);
    if (!(step > 0) || !(b >= a))
      throw new RangeError(`--param ${text}: a range needs min <= max and a positive step`);
    const values: number[] = [];
    // Count steps, not sums, so 0.1 steps do not drift.
    const n = Math.floor((b - a) / step + 1e-9);
    for (let i = 0; i <= n; i++) values.push(Number((a + i * step).toPrecision(12)));
    return { name, values };
  }
  const values = spec.split(',').map((v) => {
    const t = v.trim();
    return t !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
  });
  if (values.some((v) => v === '')) throw new RangeError(`--param ${text}: empty value`);
  return { name, values };
}

/** Every combination, the last parameter varying fastest. */
export function grid(spaces: readonly ParamSpace[]): Combination[] {
  let out: Combination[] = [{}];
  for (const s of spaces) out = out.flatMap((c) => s.values.map((v) => ({ ...c, [s.name]: v })));
  return out;
}

/** `n` combinations drawn without replacement by a seeded shuffle, in grid order. */
export function sample(all: readonly Combination[], n: number, seed: number): Combination[] {
  if (n >= all.length) return [...all];
  const idx = all.map((_, i) => i);
  const prng = new Prng(seed);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(prng.next() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => all[i]!);
}

export interface PeriodMetrics {
  readonly totalReturn: number;
  readonly cagr: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly calmar: number | null;
  readonly maxDrawdown: number;
  readonly profitFactor: number | null;
  readonly expectancy: number | null;
  readonly winRate: number | null;
  readonly trades: number;
}

export interface SweepRow {
  readonly params: Combination;
  readonly inSample?: PeriodMetrics;
  readonly outOfSample?: PeriodMetrics;
  /** Why the combination could not run (a parameter the schema refuses). */
  readonly error?: string;
}

export interface SweepJob {
  readonly bot: TradingBotSpec;
  readonly policy?: RiskPolicySpec;
  readonly data: readonly { symbol: string; path: string }[];
  /** Index in bot.strategies of the strategy to tune. */
  readonly strategy: number;
  /** Open time where the out-of-sample period starts. */
  readonly splitTime: number;
  readonly seed: number;
  /** Starting cash (decimal string); spec.capital.amount by default. */
  readonly cash?: string;
}

export function loadMarkets(data: SweepJob['data']): BacktestMarket[] {
  return data.map((d) => ({ symbol: d.symbol, series: loadCandles(d.path, { gaps: 'keep' }).series }));
}

function pick(r: ReturnType<typeof buildReport>): PeriodMetrics {
  const m = r.metrics;
  return {
    totalReturn: m.totalReturn,
    cagr: m.cagr,
    sharpe: m.sharpe,
    sortino: m.sortino,
    calmar: m.calmar,
    maxDrawdown: m.maxDrawdown,
    profitFactor: m.profitFactor,
    expectancy: m.expectancy,
    winRate: m.winRate,
    trades: m.trades,
  };
}

/** One combination: in sample up to the split, out of sample from it (earlier candles warm up). */
export function evaluate(job: SweepJob, markets: readonly BacktestMarket[], params: Combination): SweepRow {
  const s = job.bot.strategies[job.strategy]!;
  const type = s.type as StrategyType;
  const current = (s as unknown as Record<string, object | undefined>)[type] ?? {};
  let resolved: object;
  try {
    resolved = resolveParams(type, { ...current, ...params } as never, `strategies[${job.strategy}].${type}`);
  } catch (e) {
    return { params, error: (e as Error).message };
  }
  const strategies = job.bot.strategies.map((x, i) => (i === job.strategy ? { ...x, [type]: resolved } : x));
  const bot = { ...job.bot, strategies };
  const run = (from?: number, to?: number) =>
    pick(
      buildReport(
        runBacktest({
          bot,
          policy: job.policy,
          markets,
          from,
          to,
          seed: job.seed,
          cash: job.cash === undefined ? undefined : dec(job.cash),
        }),
      ),
    );
  return { params, inSample: run(undefined, job.splitTime - 1), outOfSample: run(job.splitTime, undefined) };
}

/** Best first by the in-sample metric; rows without a value (or with an error) last. */
export function rank(rows: readonly SweepRow[], metric: SweepMetric): SweepRow[] {
  const v = (r: SweepRow) => {
    const x = r.inSample?.[metric];
    return typeof x === 'number' && Number.isFinite(x) ? x : Number.NEGATIVE_INFINITY;
  };
  return [...rows].sort((a, b) => v(b) - v(a));
}

/** Runs every combination, on `workers` threads (0: in this thread). Results come back in input order. */
export async function runSweep(
  job: SweepJob,
  combos: readonly Combination[],
  workers = Math.max(1, availableParallelism() - 1),
  onResult?: (done: number, total: number) => void,
): Promise<SweepRow[]> {
  const rows: SweepRow[] = new Array(combos.length);
  if (workers <= 0 || combos.length <= 1) {
    const markets = loadMarkets(job.data);
    combos.forEach((c, i) => {
      rows[i] = evaluate(job, markets, c);
      onResult?.(i + 1, combos.length);
    });
    return rows;
  }
  let next = 0;
  let done = 0;
  const n = Math.min(workers, combos.length);
  await Promise.all(
    Array.from({ length: n }, () => {
      const w = new Worker(new URL('./sweep-worker.ts', import.meta.url), { workerData: job });
      return new Promise<void>((resolve, reject) => {
        const send = () => {
          if (next >= combos.length) {
            void w.terminate().then(() => resolve());
            return;
          }
          const i = next++;
          w.postMessage({ i, params: combos[i] });
        };
        w.on('message', (m: { i: number; row: SweepRow } | { ready: true }) => {
          if ('row' in m) {
            rows[m.i] = m.row;
            onResult?.(++done, combos.length);
          }
          send();
        });
        w.on('error', reject);
      });
    }),
  );
  return rows;
}
