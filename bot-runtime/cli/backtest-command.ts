// `botcore backtest <manifest> --data <csv>... [--from] [--to] [--json] [--report <file.html>]`
// Validates the manifest as the API server would, runs the bot through the
// kernel on the candle files, and prints the report.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  describeErrors,
  loadManifests,
  type RiskPolicySpec,
  type TradingBotSpec,
  validateRiskPolicy,
  validateTradingBot,
} from '../../crds/index.ts';
import { modelsDir, prepareBacktestStrategies } from '../ai/onnx/index.ts';
import { renderHtml } from '../backtest/html.ts';
import { buildReport, formatReport } from '../backtest/report.ts';
import { type BacktestMarket, runBacktest } from '../backtest/runner.ts';
import { type Decimal, dec } from '../domain/index.ts';
import { CandleDataError, loadCandles } from '../market-data/index.ts';
import { StrategyError } from '../strategies/index.ts';

export interface BacktestCommandOptions {
  readonly manifest: string;
  readonly data: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly json?: boolean;
  readonly report?: string;
  readonly policy?: string;
  readonly seed?: number;
  readonly capital?: string;
  /** Folder of ONNX models named by a configMapRef (<dir>/<configmap>/<key>); BOTCORE_MODELS_DIR or /etc/botcore-models by default. */
  readonly modelsDir?: string;
  /** Show a progress bar on stderr (the CLI decides: a TTY and a long run). */
  readonly progress?: boolean;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `2018-01-10`, `2018-01-10T12:00:00Z` or epoch milliseconds. */
export function parseTime(text: string, what: string): number {
  const t = /^[0-9]+$/.test(text)
    ? Number(text)
    : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(t))
    throw new UsageError(`${what}: "${text}" is not a date (2018-01-10, an ISO time, or epoch ms)`);
  return t;
}

/** `--capital`: a decimal amount greater than zero. */
export function parseCapital(text: string): Decimal {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text) || dec(text).lte(0))
    throw new UsageError(`--capital ${text}: a decimal amount greater than zero, such as 1 or 0.25`);
  return dec(text);
}

/** `ETH/BTC=path.csv`, or a path whose name says the market (`ETH-BTC_5m.csv`). */
export function dataSymbol(arg: string): { symbol: string; path: string } {
  const eq = /^([A-Z0-9]{2,12}\/[A-Z0-9]{2,12})=(.+)$/.exec(arg);
  if (eq) return { symbol: eq[1]!, path: eq[2]! };
  const m = /^([A-Z0-9]{2,12})-([A-Z0-9]{2,12})(?:_[^.]*)?\.(?:csv|json)$/i.exec(basename(arg));
  if (!m) throw new UsageError(`--data ${arg}: name the market, as in ETH-BTC_5m.csv or ETH/BTC=${arg}`);
  return { symbol: `${m[1]!.toUpperCase()}/${m[2]!.toUpperCase()}`, path: arg };
}

/** Loads the TradingBot (and a RiskPolicy from the same file or --policy). */
export async function loadBot(
  manifest: string,
  policyFile?: string,
): Promise<{ name: string; bot: TradingBotSpec; policy: RiskPolicySpec | undefined; notes: string[] }> {
  const docs = await loadManifests(manifest);
  const botDoc = docs.find((d) => (d as { kind?: string }).kind === 'TradingBot');
  if (!botDoc) throw new UsageError(`${manifest}: no TradingBot in the file`);
  const v = validateTradingBot(botDoc);
  if (!v.valid) throw new UsageError(describeErrors(botDoc, v.errors));
  const policyDocs = policyFile ? await loadManifests(policyFile) : docs;
  const ref = v.object.spec.riskPolicyRef?.name;
  const candidates = policyDocs.filter((d) => (d as { kind?: string }).kind === 'RiskPolicy');
  const policyDoc =
    candidates.find((d) => (d as { metadata?: { name?: string } }).metadata?.name === ref) ??
    (policyFile ? candidates[0] : undefined);
  if (policyFile && !policyDoc) throw new UsageError(`${policyFile}: no RiskPolicy in the file`);
  let policy: RiskPolicySpec | undefined;
  if (policyDoc) {
    const p = validateRiskPolicy(policyDoc);
    if (!p.valid) throw new UsageError(describeErrors(policyDoc, p.errors));
    policy = p.object.spec;
  }
  const notes: string[] = [];
  if (!policy)
    notes.push(
      ref
        ? `spec.riskPolicyRef names ${ref}, which is not in ${manifest}: the RiskPolicy defaults apply (give --policy)`
        : 'no RiskPolicy: the documented defaults apply (give --policy)',
    );
  return { name: v.object.metadata.name ?? 'bot', bot: v.object.spec, policy, notes };
}

/**
 * The bot as it runs on these markets. When a data market is not one of
 * spec.symbols (the examples trade USDT pairs, the bundled data are BTC pairs),
 * it takes the place of spec.symbols, and strategies limited to other symbols
 * run on every market, each change with a warning.
 */
export function adaptBot(
  bot: TradingBotSpec,
  symbols: readonly string[],
  warnings: string[],
): TradingBotSpec {
  if (symbols.every((s) => bot.symbols.includes(s))) return bot;
  warnings.push(
    `spec.symbols is ${bot.symbols.join(', ')}; backtesting on the data's markets ${symbols.join(', ')}`,
  );
  return {
    ...bot,
    symbols: [...symbols],
    strategies: bot.strategies.map((s) => {
      if (!s.symbols) return s;
      const kept = s.symbols.filter((x) => symbols.includes(x));
      if (kept.length > 0) return { ...s, symbols: kept };
      warnings.push(`strategy ${s.name} trades ${s.symbols.join(', ')}; it runs on every market of the data`);
      const { symbols: _, ...rest } = s;
      return rest;
    }),
  };
}

export async function runBacktestCommand(o: BacktestCommandOptions, io: Io = stdio): Promise<number> {
  try {
    const { name, bot: manifestBot, policy, notes } = await loadBot(o.manifest, o.policy);
    if (o.data.length === 0) throw new UsageError('give at least one --data file');
    const markets: BacktestMarket[] = o.data.map((arg) => {
      const { symbol, path } = dataSymbol(arg);
      return { symbol, series: loadCandles(path, { gaps: 'keep' }).series };
    });
    const warnings: string[] = [...notes];
    if (manifestBot.ai?.advisor) {
      warnings.push(
        'spec.ai.advisor is not consulted in a backtest: its answers could not be replayed the same way',
      );
    }
    const bot = adaptBot(
      manifestBot,
      markets.map((m) => m.symbol),
      warnings,
    );
    const total = markets.reduce((a, m) => a + m.series.length, 0);
    const { strategyFactory } = await prepareBacktestStrategies(
      bot,
      markets,
      modelsDir(process.env, o.modelsDir),
    );
    let bar: { update(n: number): void; stop(): void; start(total: number, n: number): void } | undefined;
    if (o.progress && total >= 250_000) {
      const { SingleBar, Presets } = (await import('cli-progress')).default;
      bar = new SingleBar(
        {
          stream: process.stderr,
          format: 'backtest [{bar}] {percentage}% | {value}/{total} candles | ETA {eta}s',
        },
        Presets.shades_classic,
      );
      bar.start(total, 0);
    }
    const result = runBacktest({
      bot,
      botName: name,
      policy,
      markets,
      from: o.from === undefined ? undefined : parseTime(o.from, '--from'),
      to: o.to === undefined ? undefined : parseTime(o.to, '--to'),
      seed: o.seed,
      cash: o.capital === undefined ? undefined : parseCapital(o.capital),
      strategyFactory,
      onProgress: bar ? (done) => bar.update(done) : undefined,
    });
    bar?.stop();
    const report = buildReport({ ...result, warnings: [...warnings, ...result.warnings] }, name);
    if (o.report) writeFileSync(o.report, renderHtml(report));
    io.out(o.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
    if (o.report && !o.json) io.out(`HTML report: ${o.report}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof CandleDataError || e instanceof StrategyError) {
      io.err(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
