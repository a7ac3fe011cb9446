// `botcore sweep <manifest> --data <csv>... --param name=values... [--strategy] [--random n]
//   [--split 0.7] [--metric sharpe] [--top 10] [--workers n] [--json]`
import {
  type Combination,
  grid,
  type ParamSpace,
  parseParam,
  rank,
  runSweep,
  SWEEP_METRICS,
  type SweepMetric,
  type SweepRow,
  sample,
} from '../backtest/sweep.ts';
import { loadCandles } from '../market-data/index.ts';
import { adaptBot, dataSymbol, type Io, loadBot, parseCapital, UsageError } from './backtest-command.ts';

export interface SweepCommandOptions {
  readonly manifest: string;
  readonly data: readonly string[];
  readonly param: readonly string[];
  readonly strategy?: string;
  readonly random?: number;
  readonly seed?: number;
  readonly split?: number;
  readonly metric?: string;
  readonly top?: number;
  readonly workers?: number;
  readonly policy?: string;
  readonly capital?: string;
  readonly json?: boolean;
}

const stdio: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

const fmt = (x: number | null | undefined, pct = false): string =>
  x === null || x === undefined ? 'n/a' : pct ? `${(x * 100).toFixed(2)}%` : x.toFixed(3);

function describe(params: Combination): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

export async function runSweepCommand(o: SweepCommandOptions, io: Io = stdio): Promise<number> {
  try {
    const metric = (o.metric ?? 'sharpe') as SweepMetric;
    if (!SWEEP_METRICS.includes(metric))
      throw new UsageError(`--metric ${o.metric}: one of ${SWEEP_METRICS.join(', ')}`);
    const split = o.split ?? 0.7;
    if (!(split > 0 && split < 1)) throw new UsageError(`--split ${split}: a share strictly between 0 and 1`);
    const { bot: manifestBot, policy } = await loadBot(o.manifest, o.policy);
    const data = o.data.map(dataSymbol);
    const warnings: string[] = [];
    const bot = adaptBot(
      manifestBot,
      data.map((d) => d.symbol),
      warnings,
    );
    const strategy = o.strategy === undefined ? 0 : bot.strategies.findIndex((s) => s.name === o.strategy);
    if (strategy < 0) throw new UsageError(`--strategy ${o.strategy}: no such strategy in ${o.manifest}`);
    // Worker threads would each load every model and run it once per candle and combination.
    const onnx = bot.strategies.find((s) => s.type === 'onnx');
    if (onnx) {
      throw new UsageError(
        `strategies[${bot.strategies.indexOf(onnx)}] (${onnx.name}) is an ONNX strategy, which sweep does not run: try its thresholds with botcore backtest`,
      );
    }
    let spaces: ParamSpace[];
    try {
      spaces = o.param.map(parseParam);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const all = grid(spaces);
    const seed = o.seed ?? 1;
    const combos = o.random === undefined ? all : sample(all, o.random, seed);
    // The split: a share of the first market's period, on its candle grid.
    const s = loadCandles(data[0]!.path, { gaps: 'keep' }).series;
    const t0 = s.time[0]!;
    const t1 = s.time[s.length - 1]!;
    const splitTime = t0 + Math.round(((t1 - t0) * split) / s.timeframeMs) * s.timeframeMs;
    const rows = await runSweep(
      {
        bot,
        policy,
        data,
        strategy,
        splitTime,
        seed,
        cash: o.capital === undefined ? undefined : parseCapital(o.capital).toFixed(),
      },
      combos,
      o.workers,
    );
    const ranked = rank(rows, metric);
    const top = ranked.slice(0, o.top ?? 10);
    if (o.json) {
      io.out(
        `${JSON.stringify(
          {
            strategy: bot.strategies[strategy]!.name,
            metric,
            split: { ratio: split, time: new Date(splitTime).toISOString() },
            combinations: combos.length,
            searched: o.random === undefined ? 'grid' : 'random',
            results: ranked,
            warnings,
          },
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    const lines = [
      `Sweep of ${bot.strategies[strategy]!.name}: ${combos.length} combinations (${o.random === undefined ? 'grid' : `random, seed ${seed}`}), ranked by in-sample ${metric}`,
      `in sample before ${new Date(splitTime).toISOString()}, out of sample after`,
      '',
      `${'#'.padStart(3)}  ${'params'.padEnd(36)} ${`IS ${metric}`.padStart(12)} ${'IS return'.padStart(10)} ${'IS trades'.padStart(9)} ${`OOS ${metric}`.padStart(12)} ${'OOS return'.padStart(10)} ${'OOS trades'.padStart(10)}`,
      ...top.map((r: SweepRow, i) =>
        r.error
          ? `${String(i + 1).padStart(3)}  ${describe(r.params).padEnd(36)} ${r.error}`
          : `${String(i + 1).padStart(3)}  ${describe(r.params).padEnd(36)} ${fmt(r.inSample![metric], metric === 'totalReturn' || metric === 'cagr' || metric === 'winRate').padStart(12)} ${fmt(r.inSample!.totalReturn, true).padStart(10)} ${String(r.inSample!.trades).padStart(9)} ${fmt(r.outOfSample![metric], metric === 'totalReturn' || metric === 'cagr' || metric === 'winRate').padStart(12)} ${fmt(r.outOfSample!.totalReturn, true).padStart(10)} ${String(r.outOfSample!.trades).padStart(10)}`,
      ),
      ...warnings.map((w) => `warning: ${w}`),
    ];
    io.out(`${lines.join('\n')}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
