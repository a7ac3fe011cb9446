// `botcore run`: every role of a bot in one process. The feed replays candle
// files onto an in-process bus, one worker per strategy publishes signals,
// and the executor trades on the paper venue, writes a journal in the state
// directory (the embedded store) and serves the status endpoint. Nothing
// external is needed. After a restart (even a SIGKILL) the executor recovers
// from the journal, so positions and trades survive and no fill counts twice.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { defaultInstrument } from '../backtest/runner.ts';
import { adaptBot } from '../cli/backtest-command.ts';
import { dec } from '../domain/index.ts';
import { parseStatusServerConfig } from '../http/config.ts';
import { MemoryStatusSource } from '../http/memory-status-source.ts';
import { buildStatusServer, type StatusServer, statusLogger } from '../http/server.ts';
import { type CandleFeed, parseTimeframe } from '../market-data/index.ts';
import { openStandaloneState } from '../store/runtime-state.ts';
import { startTelemetry } from '../telemetry/sdk.ts';
import { roleServiceName } from '../telemetry/settings.ts';
import { advisorSetup, describeReview } from './advisor-setup.ts';
import type { ReviewedDecision } from './decision-review.ts';
import { StandaloneError } from './errors.ts';
import { describeRisk, describeSeed, Executor } from './executor.ts';
import { binanceFeed, type ExchangeFeedOptions, runFeed } from './feed.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, localIssuer } from './local-auth.ts';
import type { RunManifest } from './manifest.ts';
import { LoopingReplay, loadReplayMarkets, replayFiles } from './replay.ts';
import { SignalJoin, StrategyWorker } from './signals.ts';

export interface StandaloneOptions {
  readonly manifest: RunManifest;
  readonly stateDir: string;
  readonly host: string;
  readonly port: number;
  /** Replay speed (times real time); the manifest's by default. */
  readonly speed?: number;
  /** Candle files instead of the manifest's replay files. */
  readonly data?: readonly string[];
  /** Where the exchange feed connects, when the bot takes live candles (tests point it at a stand-in). */
  readonly exchangeFeed?: Omit<ExchangeFeedOptions, 'onWarning'>;
  /** `jwt` (default): tokens signed by the local key; `none`: no token (loopback only). */
  readonly auth?: 'jwt' | 'none';
  /** Where ONNX models named by a configMapRef are (<dir>/<ConfigMap>/<key>); BOTCORE_MODELS_DIR by default. */
  readonly modelsDir?: string;
  /** The environment (BOTCORE_ADVISOR_API_KEY); process.env by default. */
  readonly env?: NodeJS.ProcessEnv;
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly cwd?: string;
  /** Notes for the person running it (warnings, what was recovered). */
  readonly notice?: (line: string) => void;
  readonly onError?: (error: unknown) => void;
}

export interface StandaloneBot {
  /** `http://host:port` */
  readonly url: string;
  /** A trader token for this bot (undefined with auth none). */
  readonly token: string | undefined;
  /** The page, with the token in the fragment (never sent to the server). */
  readonly pageUrl: string;
  readonly stateDir: string;
  readonly executor: Executor;
  /** What the status endpoint serves (subscribe for trades as they happen). */
  readonly source: MemoryStatusSource;
  readonly recovered: { readonly fills: number; readonly resumeAfter: number };
  /** Resolves when the replay has ended (never, when it loops). */
  readonly replayDone: Promise<void>;
  stop(): Promise<void>;
}

/** `$XDG_STATE_HOME/botcore/<namespace>/<bot>`, `~/.local/state/botcore/<namespace>/<bot>` by default. */
export function defaultStateDir(namespace: string, name: string, env = process.env): string {
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'botcore', namespace, name);
}

export { StandaloneError };

/** The bot, with this process's tracing (OTEL_* variables) started first and flushed last. */
export async function startStandalone(o: StandaloneOptions): Promise<StandaloneBot> {
  const telemetry = await startTelemetry({
    serviceName: roleServiceName('standalone'),
    attributes: { 'botcore.bot': `${o.manifest.namespace}/${o.manifest.name}`, 'botcore.role': 'standalone' },
  });
  try {
    const bot = await startBot(o);
    return {
      ...bot,
      async stop() {
        await bot.stop();
        await telemetry.shutdown();
      },
    };
  } catch (error) {
    await telemetry.shutdown();
    throw error;
  }
}

async function startBot(o: StandaloneOptions): Promise<StandaloneBot> {
  const { manifest } = o;
  const notice = o.notice ?? (() => undefined);
  const onError = o.onError ?? ((e) => notice(`error: ${(e as Error).message}`));
  const files = replayFiles(manifest.bot, o.data, o.cwd);
  // No files: closed candles from the exchange's public market data (configured with source: exchange).
  const live = files.length === 0;
  if (live && manifest.bot.exchange.name !== 'binance') {
    throw new StandaloneError(
      `TradingBot "${manifest.name}" takes its candles from ${manifest.bot.exchange.name}, which has no market-data feed yet; ` +
        'give --data <csv> or set marketData.source: replay',
    );
  }
  const warnings: string[] = [];
  const markets = live ? [] : loadReplayMarkets(manifest.bot, files, warnings);
  const bot = live
    ? manifest.bot
    : adaptBot(
        manifest.bot,
        markets.map((m) => m.symbol),
        warnings,
      );
  for (const w of warnings) notice(`note: ${w}`);
  const symbols = live ? bot.symbols : markets.map((m) => m.symbol);
  const timeframeMs = live ? parseTimeframe(bot.timeframe) : markets[0]!.series.timeframeMs;
  const instruments = symbols.map((s) => defaultInstrument(s));
  const cash = dec(bot.capital.amount);
  const ref = { namespace: manifest.namespace, name: manifest.name };

  // The monitor's gauge lives apart: the status endpoint's registry has its own botcore_dependency_up.
  const state = await openStandaloneState(o.stateDir, { registry: new Registry() });
  const { bus, hot } = state;
  const ledger = state.ledger!;
  const join_ = new SignalJoin(bot);
  // Replay time, as far as the executor has processed it.
  let executorClock: () => number = () => 0;
  const source = new MemoryStatusSource({
    bot: ref,
    mode: 'paper',
    currency: instruments[0]!.quote,
    initialEquity: cash,
    // Replay time: "today" is the day of the candles being replayed.
    now: () => {
      const t = executorClock();
      return t > 0 ? t : Date.now();
    },
  });
  source.setReady(false);
  let executor: Executor;
  try {
    const advisor = await advisorSetup(
      bot.ai?.advisor,
      bot,
      `${ref.namespace}/${ref.name}`,
      instruments[0]!.quote,
      o.env ?? process.env,
    );
    if (advisor) notice(`note: ${advisor.summary}`);
    executor = new Executor({
      bus,
      ledger,
      bot,
      policy: manifest.policy,
      markets: symbols.map((symbol, k) => ({ symbol, instrument: instruments[k]! })),
      timeframeMs,
      join: join_,
      source,
      cash,
      hot,
      canOpenPositions: () => state.monitor.canOpenPositions(),
      onError,
      // A replay sends the candles already processed again; a live feed does not. The advisor's
      // answers cannot be asked again the same way, so a bot with one resumes from its ledger too.
      resume: live || advisor ? 'seed' : 'restep',
      ...(advisor
        ? { review: advisor.review, onReview: (r: ReviewedDecision) => notice(describeReview(r)) }
        : {}),
    });
  } catch (error) {
    await state.close();
    throw error;
  }
  executorClock = () => executor.clock.now();
  const workers = bot.strategies.map(
    (s) =>
      new StrategyWorker({
        bus,
        bot,
        strategy: s.name,
        ...(o.modelsDir === undefined ? {} : { modelsDir: o.modelsDir }),
        onError,
      }),
  );
  let server: StatusServer | undefined;
  let feed: CandleFeed | undefined;
  try {
    // V8 compiles the fill path now rather than over the bot's first thousands of fills (warm-up.ts).
    executor.warmUp();
    const resume = await executor.recover();
    if (resume.seeded)
      notice(`note: resuming from the journal: ${describeSeed(resume.seeded, executor.currency)}`);
    if (resume.risk) notice(`note: risk state from the journal: ${describeRisk(resume.risk)}`);
    if (resume.staleOrdersCanceled)
      notice(`note: ${resume.staleOrdersCanceled} order(s) working at the crash recorded as canceled`);
    // The executor subscribes first: the in-process bus hands a candle to its subscribers in turn, and
    // a working order's fill (booked as the candle arrives) need not wait for the strategies' work.
    await executor.start();
    for (const w of workers) await w.start();
    source.update({ risk: executor.riskView() });

    const auth = o.auth ?? 'jwt';
    const issuer = auth === 'jwt' ? localIssuer(join(o.stateDir, 'status-key.pem')) : undefined;
    const config = parseStatusServerConfig({
      bot: ref,
      host: o.host,
      port: o.port,
      logLevel: o.logLevel ?? 'warn',
      auth:
        auth === 'jwt'
          ? {
              mode: 'jwt',
              audience: LOCAL_AUDIENCE,
              issuers: [LOCAL_ISSUER],
              publicKeys: { env: 'BOTCORE_LOCAL_STATUS_KEY' },
            }
          : { mode: 'none' },
    });
    server = await buildStatusServer({
      config,
      source,
      logger: statusLogger(config.logLevel, process.stderr),
      ...(issuer ? { keys: [issuer.verificationKey] } : {}),
    });
    executor.metrics = server.metrics;
    const address = await server.listen();
    const url = address;
    const token = issuer ? await issuer.sign(ref) : undefined;
    source.setReady(true);

    if (live) {
      feed = binanceFeed(symbols, bot.timeframe, {
        ...o.exchangeFeed,
        onWarning: (m) => notice(`feed: ${m}`),
      });
    } else {
      const replay = manifest.bot.marketData.replay;
      const speed = o.speed ?? replay?.speed ?? 1;
      feed = new LoopingReplay(markets, {
        speed: speed > 0 ? speed : Number.POSITIVE_INFINITY,
        loop: replay?.loop ?? false,
        fastUntil: resume.resumeAfter,
      });
    }
    const replayDone = runFeed(bus, feed, bot.timeframe).catch(onError);
    const running = feed;
    const runningServer = server;
    let stopping: Promise<void> | undefined;
    return {
      url,
      token,
      pageUrl: token ? `${url}/#token=${token}` : `${url}/#token=local`,
      stateDir: o.stateDir,
      executor,
      source,
      recovered: { fills: resume.fillsFromLedger, resumeAfter: resume.resumeAfter },
      replayDone,
      stop() {
        stopping ??= (async () => {
          void running.close();
          await replayDone;
          for (const w of workers) await w.stop();
          await executor.stop();
          await runningServer.close();
          await state.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    feed?.close();
    for (const w of workers) await w.stop().catch(() => undefined);
    await executor.stop().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await state.close();
    throw error;
  }
}
