// Candle-to-fill latency (BENCH_ONLY=latency), one JSON line per figure.
//
// latency.inProcess.*: `botcore run`'s path in one process. A candle
//   published on the in-process bus (the feed's publishCandle), the strategy
//   worker's signal through the bus's durable stream, the executor's join,
//   the kernel's step (ensemble, risk, sizing, paper venue, portfolio), and
//   the fill recorded in the ledger (the file journal, synced) and the status
//   source.
// latency.nats.*: the pods' path. This process is the feed; the strategy
//   worker and the executor are separate processes on the real NATS (core
//   subject for the candle, JetStream for the signal) with the real MongoDB
//   ledger and Redis hot state, as `botcore runtime` builds them.
//
// Three clocks stop per candle: `candleToDecision` when the executor starts
// the candle's step (its signals joined: the messaging); `candleToFill` when
// the candle's fill is booked in the portfolio and its records are queued for
// the ledger, which for a working order's fill is as the candle arrives, before
// its signals (the executor's early match: onMatched), and otherwise in the
// step (onStepped); `candleToRecordedFill` when all of the candle's records,
// the fill among them, are durable in the ledger and the fill is in the status
// source (its onCandle). `candleToFill` also splits its fill samples
// (`fillSplit`) into the messaging (to the start of the match or step that
// booked the fill) and that match or step, and counts those booked on arrival
// (`bookedOnArrival`). Each candle goes out once the previous one has been
// processed: stepped, and its orders and fills durable (a closed loop: latency
// without queueing; a candle that only adds an equity point is not waited
// for), from a fresh turn of the event loop as a candle from the network
// would. A fill sample is a candle on which a fill was booked (a paper order
// fills on the candle after its signal). A fast RSI (period 2, 40/60) and a
// policy without drawdown halts make a fill every ~6 candles. Clocks: one
// machine; across processes, epoch time from performance.timeOrigin +
// performance.now(). The executor warms its fill path up before the first
// candle, as the roles and `botcore run` do (runtime/warm-up.ts); the first
// 500 candles are the bench's own warm-up, not measured.
//
// Standalone: `node bench/latency.ts`. Knobs: BENCH_LATENCY_CANDLES (12000
// in-process; 3000 over NATS, where each fill waits for MongoDB),
// BENCH_LATENCY_ONLY (`inProcess` or `nats`), BENCH_LATENCY_HOPS=1 (also
// stamps each hop of the NATS path and prints each hop's delay on stderr as
// `latency.nats.hop.<from>-><to>`, and per child process its CPU, wake-ups
// and wait per wake-up as `latency.nats.sched.<role>`; bench/nats-hops.ts;
// off for the figures).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { defaultInstrument } from '../bot-runtime/backtest/runner.ts';
import type { Bus } from '../bot-runtime/bus/bus.ts';
import { NatsBus } from '../bot-runtime/bus/nats-bus.ts';
import { dec } from '../bot-runtime/domain/index.ts';
import { MemoryStatusSource } from '../bot-runtime/http/memory-status-source.ts';
import { type CandleSeries, candleAt } from '../bot-runtime/market-data/index.ts';
import { Executor } from '../bot-runtime/runtime/executor.ts';
import { botSpecOf } from '../bot-runtime/runtime/runtime-config.ts';
import { SignalJoin, StrategyWorker } from '../bot-runtime/runtime/signals.ts';
import type { HotState } from '../bot-runtime/store/hot-state.ts';
import type { Ledger } from '../bot-runtime/store/ledger.ts';
import { ledgerDatabase, openClusterState, openStandaloneState } from '../bot-runtime/store/runtime-state.ts';
import { publishCandle } from '../bot-runtime/telemetry/pipeline.ts';
import type { TradingBotSpec } from '../crds/index.ts';
import {
  type RuntimeConfig,
  subjectsFor,
  validateRiskPolicyDocument,
  validateRuntimeConfig,
} from '../crds/runtime-config/index.ts';
import { bootstrapCandles } from './candles.ts';
import type { Figure } from './figure.ts';
import {
  HopRecorder,
  type HopStamps,
  hopDelays,
  hopsEnabled,
  type SchedCounters,
  schedCounters,
  schedSummary,
} from './nats-hops.ts';

const SELF = fileURLToPath(import.meta.url);
const ONLY = process.env.BENCH_LATENCY_ONLY;
const WARMUP = 500;

/** Epoch milliseconds with sub-microsecond resolution, comparable between processes on one machine. */
const epochMs = (): number => performance.timeOrigin + performance.now();

const NO_SERVERS = { nats: 'nats://unused:4222', redis: 'redis://unused:6379', mongodb: 'mongodb://unused' };

/** The bench bot's runtime configuration, as the operator would render it (defaults applied by the validator). */
function runtimeConfig(name: string, urls = NO_SERVERS): RuntimeConfig {
  const checked = validateRuntimeConfig({
    version: 'botcore.dev/runtime-config/v1',
    bot: { name, namespace: 'bench', uid: 'bench' },
    mode: 'paper',
    exchange: { name: 'binance', testnet: true },
    symbols: ['ETH/BTC'],
    timeframe: '5m',
    marketData: { source: 'replay', replay: { files: [{ symbol: 'ETH/BTC', path: 'unused.csv' }] } },
    capital: { amount: '1', currency: 'BTC' },
    // A fast RSI: a signal every few candles, so thousands of fills.
    strategies: [{ name: 'fast-rsi', type: 'rsi', rsi: { period: 2, overbought: 60, oversold: 40 } }],
    ensemble: {},
    execution: {},
    connections: { nats: { url: urls.nats }, redis: { url: urls.redis }, mongodb: { url: urls.mongodb } },
    subjects: subjectsFor('bench', name),
    health: { port: 8081 },
    logLevel: 'warn',
  });
  if (!checked.valid) throw new Error(`bench runtime config: ${JSON.stringify(checked.errors)}`);
  return checked.value;
}

// ------------------------------------------------------------- the pieces

/** The executor's report of a candle it has stepped. */
interface Step {
  /** Open time of the candle. */
  readonly t: number;
  /** When the executor started the candle's step (epoch ms). */
  readonly decideAt: number;
  /** When the kernel had stepped: its fills booked in the portfolio, the step's records queued for the ledger. */
  readonly steppedAt: number;
  /** Whether the step booked a fill. */
  readonly filled: boolean;
  /** Fills of working orders booked as the candle arrived, before its step (Executor's early match): when the match began and when its fills were handed over. */
  readonly matched?: { readonly startAt: number; readonly filledAt: number };
  /** Whether the step placed an order or booked a fill (records besides its equity point). */
  readonly traded: boolean;
}

/** The executor's report of a candle whose records are durable in the ledger (its fills in the status source). */
interface Recorded {
  readonly t: number;
  readonly recordedAt: number;
}

/**
 * The documented defaults, but no drawdown or daily-loss halt: a fast RSI
 * loses to fees, and a halted executor would stop making the fills measured.
 */
function benchPolicy() {
  const checked = validateRiskPolicyDocument({
    name: 'bench',
    generation: 1,
    spec: { maxDrawdownPercent: '100', maxDailyLossPercent: '100' },
  });
  if (!checked.valid) throw new Error(`bench risk policy: ${JSON.stringify(checked.errors)}`);
  return checked.value.spec;
}

/** The executor as the roles build it, with clocks at the start of each step, when it has stepped and when its records are durable. */
async function benchExecutor(
  parts: { bus: Bus; ledger: Ledger; hot: HotState },
  bot: TradingBotSpec,
  report: { stepped(step: Step): void; recorded(recorded: Recorded): void },
): Promise<Executor> {
  const instrument = defaultInstrument('ETH/BTC');
  let matched: Step['matched'];
  let decideAt = 0;
  let fillsBefore = 0;
  let ordersBefore = 0;
  const executor: Executor = new Executor({
    ...parts,
    bot,
    policy: benchPolicy(),
    markets: [{ symbol: 'ETH/BTC', instrument }],
    timeframeMs: 300_000,
    join: new SignalJoin(bot),
    source: new MemoryStatusSource({
      bot: { namespace: 'bench', name: 'latency' },
      currency: 'BTC',
      initialEquity: dec('1'),
    }),
    cash: dec(bot.capital.amount),
    orderIdPrefix: `${Date.now().toString(36)}-`,
    // Asked once per step, before the kernel runs: the moment the candle's signals are joined.
    canOpenPositions: () => {
      decideAt = epochMs();
      fillsBefore = executor.kernel.fillCount;
      ordersBefore = executor.kernel.orders.length;
      return true;
    },
    // Fills of working orders, booked as the candle arrived (before its signals were in).
    onMatched: (_symbol, _c, startedAt) => {
      matched = { startAt: performance.timeOrigin + startedAt, filledAt: epochMs() };
    },
    onStepped: (_symbol, c) => {
      const steppedAt = epochMs();
      const filled = executor.kernel.fillCount > fillsBefore;
      const traded = filled || matched !== undefined || executor.kernel.orders.length > ordersBefore;
      report.stepped({ t: c.t, decideAt, steppedAt, filled, traded, ...(matched ? { matched } : {}) });
      matched = undefined;
    },
    onCandle: (_symbol, c) => report.recorded({ t: c.t, recordedAt: epochMs() }),
  });
  // As the roles do: the fill path compiled before the first candle.
  executor.warmUp();
  await executor.recover();
  await executor.start();
  return executor;
}

/** The p-th percentile of samples sorted smallest first (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Samples taken in ms, in `unit`, smallest first. */
function sortedIn(samplesMs: readonly number[], unit: 'µs' | 'ms'): number[] {
  const scale = unit === 'µs' ? 1000 : 1;
  return samplesMs.map((x) => x * scale).sort((a, b) => a - b);
}

function figure(name: string, samplesMs: number[], unit: 'µs' | 'ms', target: number, extra = {}): Figure {
  const sorted = sortedIn(samplesMs, unit);
  const p99 = percentile(sorted, 99);
  return {
    name,
    value: round(p99),
    unit,
    target: `p99 < ${target} ${unit}`,
    met: p99 < target,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(p99),
    max: round(sorted.at(-1) ?? Number.NaN),
    samples: sorted.length,
    loadAverage: loadavg().map((l) => round(l)),
    ...extra,
  };
}

interface Samples {
  /** To the fill booked in the kernel's portfolio. */
  readonly toFill: number[];
  /** To the fill recorded in the ledger and the status source. */
  readonly toRecordedFill: number[];
  readonly toDecision: number[];
  /**
   * For the fill samples: the messaging (to the start of the work that booked the fill) and that
   * work (to the fill booked); `early` counts the samples booked as the candle arrived.
   */
  readonly fillSplit: { readonly decision: number[]; readonly step: number[]; readonly early: number };
  readonly candles: number;
}

/** p50 and p99 of a fill's two parts, in the figure's unit. */
function splitOf(s: Samples, unit: 'µs' | 'ms') {
  const part = (ms: number[]) => {
    const sorted = sortedIn(ms, unit);
    return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) };
  };
  return {
    decision: part(s.fillSplit.decision),
    step: part(s.fillSplit.step),
    bookedOnArrival: s.fillSplit.early,
  };
}

/** A path's three clocks, each as its p99 against the path's target. */
function pathFigures(path: string, s: Samples, unit: 'µs' | 'ms', target: number, extra: object): Figure[] {
  return [
    figure(`latency.${path}.candleToFill`, s.toFill, unit, target, { ...extra, fillSplit: splitOf(s, unit) }),
    figure(`latency.${path}.candleToRecordedFill`, s.toRecordedFill, unit, target, extra),
    figure(`latency.${path}.candleToDecision`, s.toDecision, unit, target, extra),
  ];
}

/**
 * Feeds candles one at a time, each once the executor has processed the one
 * before: stepped, and its orders and fills durable (a candle that only adds
 * an equity point is not waited for, as the executor never waited for one).
 */
async function feedClosedLoop(
  bus: Bus,
  series: CandleSeries,
  count: number,
  reports: Reports,
): Promise<Samples> {
  const toFill: number[] = [];
  const toRecordedFill: number[] = [];
  const toDecision: number[] = [];
  const fillSplit = { decision: [] as number[], step: [] as number[], early: 0 };
  for (let i = 0; i < count; i++) {
    const candle = candleAt(series, i);
    const stepped = reports.stepped(candle.t);
    const recorded = reports.recorded(candle.t);
    // A candle comes from the network: a fresh turn of the event loop (the clock starts after it).
    await new Promise((resolve) => setImmediate(resolve));
    const sent = epochMs();
    publishCandle(bus, { symbol: 'ETH/BTC', timeframe: '5m', candle });
    const step = await stepped;
    const recordedAt = step.traded ? (await recorded).recordedAt : Number.NaN;
    if (i < WARMUP) continue;
    toDecision.push(step.decideAt - sent);
    const { matched } = step;
    if (matched) {
      // Booked as the candle arrived: the candle's delivery, then the match.
      toFill.push(matched.filledAt - sent);
      fillSplit.decision.push(matched.startAt - sent);
      fillSplit.step.push(matched.filledAt - matched.startAt);
      fillSplit.early++;
    } else if (step.filled) {
      toFill.push(step.steppedAt - sent);
      fillSplit.decision.push(step.decideAt - sent);
      fillSplit.step.push(step.steppedAt - step.decideAt);
    } else continue;
    toRecordedFill.push(recordedAt - sent);
  }
  return { toFill, toRecordedFill, toDecision, fillSplit, candles: count };
}

/** One waiter per candle open time and report, resolved by the executor's reports. */
interface Reports {
  stepped(t: number): Promise<Step>;
  recorded(t: number): Promise<Recorded>;
  readonly report: { stepped(step: Step): void; recorded(recorded: Recorded): void };
}

function reportWaiter(): Reports {
  const waiter = <R extends { t: number }>() => {
    const waiting = new Map<number, (r: R) => void>();
    return {
      wait: (t: number) => new Promise<R>((resolve) => waiting.set(t, resolve)),
      report: (r: R) => {
        waiting.get(r.t)?.(r);
        waiting.delete(r.t);
      },
    };
  };
  const stepped = waiter<Step>();
  const recorded = waiter<Recorded>();
  return {
    stepped: stepped.wait,
    recorded: recorded.wait,
    report: { stepped: stepped.report, recorded: recorded.report },
  };
}

// ------------------------------------------------------------- in one process

async function inProcess(series: CandleSeries, count: number): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'botcore-latency-'));
  const state = await openStandaloneState(dir, { registry: new Registry() });
  const bot = botSpecOf(runtimeConfig('latency'));
  const reports = reportWaiter();
  const executor = await benchExecutor(
    { bus: state.bus, ledger: state.ledger!, hot: state.hot },
    bot,
    reports.report,
  );
  const worker = new StrategyWorker({ bus: state.bus, bot, strategy: 'fast-rsi' });
  await worker.start();
  try {
    const s = await feedClosedLoop(state.bus, series, count, reports);
    const extra = {
      candles: s.candles,
      fills: executor.kernel.fillCount,
      path: 'in-process bus, file ledger',
    };
    return pathFigures('inProcess', s, 'µs', 100, extra);
  } finally {
    await worker.stop();
    await executor.stop();
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------- across NATS

const steppedSubject = (name: string) => `bench.latency.${name}.stepped`;

/** A child process: the strategy worker or the executor of the bot, on the real servers. */
async function child(role: 'strategy' | 'executor', name: string): Promise<void> {
  const urls = {
    nats: process.env.NATS_URL!,
    redis: process.env.REDIS_URL!,
    mongodb: process.env.MONGODB_URL!,
  };
  const config = runtimeConfig(name, urls);
  const state = await openClusterState(config, role, { registry: new Registry() });
  const nats = state.bus as NatsBus;
  const hops = hopsEnabled() ? new HopRecorder().forRole(role) : undefined;
  const bus = hops ? hops.wrap(nats) : nats;
  const bot = botSpecOf(config);
  let stop: () => Promise<void>;
  if (role === 'strategy') {
    const worker = new StrategyWorker({ bus, bot, strategy: 'fast-rsi' });
    await worker.start();
    stop = () => worker.stop();
  } else {
    const subject = steppedSubject(name);
    const executor = await benchExecutor({ bus, ledger: state.ledger!, hot: state.hot }, bot, {
      stepped: (step) => nats.connection.publish(subject, JSON.stringify({ stepped: step })),
      recorded: (recorded) => nats.connection.publish(subject, JSON.stringify({ recorded })),
    });
    stop = async () => {
      await executor.stop();
      console.log(JSON.stringify({ fills: executor.kernel.fillCount }));
    };
  }
  console.log(JSON.stringify({ ready: role }));
  const ready = schedCounters();
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  const done = schedCounters();
  await stop();
  if (hops) console.log(JSON.stringify({ hops: hops.stamps, sched: { role, ready, done } }));
  await state.close();
}

function spawnChild(
  role: string,
  name: string,
): { proc: ChildProcess; lines: string[]; ready: Promise<void> } {
  const proc = spawn(process.execPath, [SELF, '--child', role, name], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  const lines: string[] = [];
  let buffer = '';
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      buffer += d;
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line.includes('"ready"')) resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
  return { proc, lines, ready };
}

async function acrossNats(series: CandleSeries, count: number): Promise<Figure[]> {
  const { up } = await import('../test/servers/environment.ts');
  const { settings } = await up();
  for (const [k, v] of Object.entries(settings)) process.env[k] = String(v);
  const name = `latency-${randomBytes(3).toString('hex')}`;
  const address = { namespace: 'bench', bot: name };
  const feedBus = await NatsBus.connect({ servers: settings.NATS_URL, address, name: `${name}-feed` });
  const hops = hopsEnabled() ? new HopRecorder() : undefined;
  const bus = hops ? hops.wrap(feedBus) : feedBus;
  const reports = reportWaiter();
  if (hops) {
    const stepped = reports.report.stepped;
    Object.assign(reports.report, {
      stepped: (step: Step) => {
        hops.stamp('decided', step.t, step.decideAt);
        stepped(step);
      },
    });
  }
  const sub = feedBus.connection.subscribe(steppedSubject(name), {
    callback: (_e, m) => {
      const r = JSON.parse(new TextDecoder().decode(m.data)) as { stepped?: Step; recorded?: Recorded };
      if (r.stepped) reports.report.stepped(r.stepped);
      if (r.recorded) reports.report.recorded(r.recorded);
    },
  });
  await feedBus.connection.flush();
  const children = [spawnChild('executor', name), spawnChild('strategy', name)];
  try {
    await Promise.all(children.map((c) => c.ready));
    const s = await feedClosedLoop(bus, series, count, reports);
    const executor = children[0]!;
    // 'close', not 'exit': a child's last lines may still be in the pipe when it exits.
    const exited = children.map((c) => new Promise((r) => c.proc.once('close', r)));
    for (const c of children) c.proc.kill('SIGTERM');
    await Promise.all(exited);
    const fills = JSON.parse(executor.lines.find((l) => l.includes('"fills"')) ?? '{}').fills;
    if (hops) {
      for (const c of children) mergeHops(hops.stamps, c.lines);
      const measured = Array.from({ length: count - WARMUP }, (_, i) => candleAt(series, WARMUP + i).t);
      for (const [hop, delays] of Object.entries(hopDelays(hops.stamps, measured))) {
        console.error(JSON.stringify(figure(`latency.nats.hop.${hop}`, delays, 'ms', 2)));
      }
      for (const c of children) {
        const line = c.lines.find((l) => l.startsWith('{"hops"'));
        const sched =
          line &&
          (JSON.parse(line) as { sched: { role: string; ready: SchedCounters; done: SchedCounters } }).sched;
        if (sched) console.error(JSON.stringify(schedSummary(sched.role, sched.ready, sched.done, count)));
      }
    }
    const extra = {
      candles: s.candles,
      fills,
      path: 'feed, strategy, executor processes; NATS core + JetStream; MongoDB ledger, Redis hot state',
    };
    return pathFigures('nats', s, 'ms', 2, extra);
  } finally {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    sub.unsubscribe();
    await feedBus.close();
    const { removeBot } = await import('../test/runtime-faults/harness.ts');
    await removeBot(address, ledgerDatabase(address)).catch(() => undefined);
  }
}

/** Adds the stamps a child printed when it stopped. */
function mergeHops(into: HopStamps, lines: readonly string[]): void {
  const line = lines.find((l) => l.startsWith('{"hops"'));
  if (!line) return;
  const { hops } = JSON.parse(line) as { hops: HopStamps };
  for (const [hop, byCandle] of Object.entries(hops) as [keyof HopStamps, Record<number, number>][]) {
    into[hop] = { ...into[hop], ...byCandle };
  }
}

// ------------------------------------------------------------- run

export async function run(print: (line: string) => void = console.log): Promise<Figure[]> {
  const figures: Figure[] = [];
  const env = process.env.BENCH_LATENCY_CANDLES;
  if (ONLY === undefined || ONLY === 'inProcess') {
    const count = Number(env ?? 12_000);
    for (const f of await inProcess(bootstrapCandles(count), count)) {
      figures.push(f);
      print(JSON.stringify(f));
    }
  }
  if (ONLY === undefined || ONLY === 'nats') {
    const count = Number(env ?? 3000);
    for (const f of await acrossNats(bootstrapCandles(count), count)) {
      figures.push(f);
      print(JSON.stringify(f));
    }
  }
  return figures;
}

if (process.argv[1] === SELF) {
  if (process.argv[2] === '--child') {
    await child(process.argv[3] as 'strategy' | 'executor', process.argv[4]!);
    process.exit(0);
  }
  await run();
  process.exit(0);
}
