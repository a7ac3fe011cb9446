// `botcore runtime --role feed|strategy|executor`: one role of a bot in its
// own pod, over NATS, with the configuration the operator rendered (checked at
// boot by loadBootConfig). The same pieces as `botcore run`: the feed
// publishes candles, each strategy worker publishes signals, the executor
// joins them, trades through the kernel on the paper venue, records to the
// MongoDB ledger, serves the status endpoint and reports to the operator.
import { Registry } from 'prom-client';
import type { RuntimeReport } from '../../crds/runtime-config/index.ts';
import { modelsDir } from '../ai/onnx/model-file.ts';
import { defaultInstrument } from '../backtest/runner.ts';
import { dec } from '../domain/index.ts';
import { parseStatusServerConfig } from '../http/config.ts';
import { loadVerificationKeys } from '../http/keys.ts';
import { MemoryStatusSource } from '../http/memory-status-source.ts';
import { buildStatusServer, type StatusServer, statusLogger } from '../http/server.ts';
import { type CandleFeed, parseTimeframe } from '../market-data/index.ts';
import { openClusterState } from '../store/runtime-state.ts';
import { startTelemetry } from '../telemetry/sdk.ts';
import { roleServiceName } from '../telemetry/settings.ts';
import { advisorSetup, describeReview } from './advisor-setup.ts';
import type { ReviewedDecision } from './decision-review.ts';
import { describeRisk, describeSeed, Executor } from './executor.ts';
import { binanceFeed, runFeed } from './feed.ts';
import { startHealthServer } from './health-server.ts';
import { LoopingReplay, loadReplayMarkets, replayFiles } from './replay.ts';
import { type BootConfig, botSpecOf } from './runtime-config.ts';
import { SignalJoin, StrategyWorker } from './signals.ts';

export interface RunningRole {
  /** The executor role's executor (for reports and tests). */
  readonly executor?: Executor;
  stop(): Promise<void>;
}

export interface RoleOptions {
  readonly log?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Health port instead of the configuration's (tests run several roles on one machine). */
  readonly healthPort?: number;
  /** Status endpoint port instead of the configuration's. */
  readonly statusPort?: number;
}

const money = (value: string): string => dec(value).toDecimalPlaces(18).toFixed();

const json = (level: string, msg: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ level, time: new Date().toISOString(), msg, ...extra })}\n`;

/** The role, with this process's tracing (OTEL_* variables) started first and flushed last. */
export async function runRole(boot: BootConfig, options: RoleOptions = {}): Promise<RunningRole> {
  const { bot } = boot.config;
  const telemetry = await startTelemetry({
    serviceName: roleServiceName(boot.role),
    attributes: {
      'botcore.bot': `${bot.namespace}/${bot.name}`,
      'botcore.role': boot.role,
      ...(boot.strategy === undefined ? {} : { 'botcore.strategy': boot.strategy }),
    },
  });
  try {
    const role = await startRole(boot, options);
    return {
      ...role,
      async stop() {
        await role.stop();
        await telemetry.shutdown();
      },
    };
  } catch (error) {
    await telemetry.shutdown();
    throw error;
  }
}

async function startRole(boot: BootConfig, options: RoleOptions): Promise<RunningRole> {
  const log = options.log ?? ((line: string) => process.stdout.write(line));
  const { config } = boot;
  const bot = botSpecOf(config);
  const address = { namespace: config.bot.namespace, bot: config.bot.name };
  const registry = new Registry();
  let ready = false;
  let canWork = () => true;
  const health = await startHealthServer(
    options.healthPort ?? boot.ports.health,
    () => ready && canWork(),
    registry,
  );
  // The connections after the environment's overrides (loadBootConfig resolved them).
  const connections = {
    nats: { url: boot.connections.nats },
    ...(boot.connections.redis ? { redis: { url: boot.connections.redis } } : {}),
    ...(boot.connections.mongodb ? { mongodb: { url: boot.connections.mongodb } } : {}),
  };
  const state = await openClusterState({ ...config, connections }, boot.role, { registry }).catch(
    async (e) => {
      await health.close();
      throw e;
    },
  );
  const { bus } = state;
  canWork = () => state.monitor.canOpenPositions();
  const onError = (e: unknown) => log(json('error', (e as Error).message, { role: boot.role }));
  log(
    json('info', 'role started', {
      role: boot.role,
      bot: `${address.namespace}/${address.bot}`,
      healthPort: health.port,
    }),
  );

  if (boot.role === 'feed') {
    const feed = feedOf(boot);
    ready = true;
    const done = runFeed(bus, feed, config.timeframe).catch(onError);
    return {
      async stop() {
        feed.close();
        await done;
        await state.close();
        await health.close();
      },
    };
  }

  if (boot.role === 'strategy') {
    const worker = new StrategyWorker({
      bus,
      bot,
      strategy: boot.strategy!,
      modelsDir: modelsDir(options.env ?? process.env),
      onError,
    });
    // A model that cannot load stops the role: close what it opened so the process can exit.
    await worker.start().catch(async (e: unknown) => {
      await state.close();
      await health.close();
      throw e;
    });
    ready = true;
    return {
      async stop() {
        await worker.stop();
        await state.close();
        await health.close();
      },
    };
  }

  // The executor.
  const ledger = state.ledger!;
  const instruments = config.symbols.map((s) => defaultInstrument(s));
  const cash = dec(config.capital.amount);
  // On a replay "today" (PnL and trades today) is the day of the candles being replayed.
  let candleTime: (() => number) | undefined;
  const source = new MemoryStatusSource({
    bot: { namespace: address.namespace, name: address.bot },
    mode: config.mode,
    currency: instruments[0]!.quote,
    initialEquity: cash,
    ...(config.marketData.source === 'replay'
      ? { now: () => Math.max(candleTime?.() ?? 0, 0) || Date.now() }
      : {}),
  });
  const join = new SignalJoin(bot);
  const timeframeMs = parseTimeframe(config.timeframe);
  const advisor = await advisorSetup(
    config.advisor,
    bot,
    `${address.namespace}/${address.bot}`,
    instruments[0]!.quote,
    options.env ?? process.env,
  );
  if (advisor) log(json('info', advisor.summary, { role: 'executor' }));
  const executor = new Executor({
    bus,
    ledger,
    bot,
    policy: boot.policy?.spec,
    markets: config.symbols.map((symbol, k) => ({ symbol, instrument: instruments[k]! })),
    timeframeMs,
    join,
    source,
    cash,
    hot: state.hot,
    // A new kernel numbers orders from O-1 again: this run's ids must not collide with the ledger's.
    orderIdPrefix: `${Date.now().toString(36)}-`,
    canOpenPositions: () => state.monitor.canOpenPositions(),
    onError,
    // The feed goes on without a restarted executor: the candles it had seen never come again.
    resume: 'seed',
    ...(advisor
      ? {
          review: advisor.review,
          onReview: (r: ReviewedDecision) =>
            log(
              json('info', describeReview(r), {
                role: 'executor',
                symbol: r.symbol,
                action: r.action,
                outcome: r.verdict.outcome,
                allowed: r.verdict.allow,
                costUsd: r.verdict.costUsd,
              }),
            ),
        }
      : {}),
  });
  candleTime = () => executor.clock.now();
  // V8 compiles the fill path now rather than over the bot's first thousands of fills (warm-up.ts).
  const warmed = executor.warmUp();
  log(
    json('info', 'fill path warmed up', {
      role: 'executor',
      candles: warmed.candles,
      fills: warmed.fills,
      ms: Math.round(warmed.ms),
    }),
  );
  const resumed = await executor.recover();
  if (resumed.seeded) {
    log(
      json('info', 'resuming from the ledger', {
        role: 'executor',
        fills: resumed.fillsFromLedger,
        resumeAfter: resumed.resumeAfter,
        portfolio: describeSeed(resumed.seeded, executor.currency),
        entryFees: Object.fromEntries((resumed.seeded.trades ?? []).map((t) => [t.symbol, t.fees.toFixed()])),
        ...(resumed.risk ? { risk: describeRisk(resumed.risk) } : {}),
        staleOrdersCanceled: resumed.staleOrdersCanceled ?? 0,
      }),
    );
  }
  await executor.start();
  let status: StatusServer | undefined;
  if (config.statusEndpoint) {
    const env = options.env ?? process.env;
    const statusConfig = parseStatusServerConfig({
      bot: { namespace: address.namespace, name: address.bot },
      host: '0.0.0.0',
      port: options.statusPort ?? boot.ports.status ?? config.statusEndpoint.port,
      logLevel: config.logLevel,
      auth:
        config.statusEndpoint.auth === 'none'
          ? { mode: 'none' }
          : {
              mode: 'jwt',
              audience: env.BOTCORE_STATUS_AUDIENCE ?? 'botcore-status',
              issuers: (env.BOTCORE_STATUS_ISSUERS ?? 'botcore').split(','),
              publicKeys: { env: 'BOTCORE_STATUS_PUBLIC_KEYS' },
            },
    });
    status = await buildStatusServer({
      config: statusConfig,
      source,
      logger: statusLogger(statusConfig.logLevel),
      ...(statusConfig.auth.mode === 'jwt'
        ? { keys: loadVerificationKeys({ env: 'BOTCORE_STATUS_PUBLIC_KEYS' }, env) }
        : {}),
    });
    executor.metrics = status.metrics;
    log(json('info', 'status endpoint listening', { role: 'executor', url: await status.listen() }));
  }
  let applied = boot.policy ? { name: boot.policy.name, generation: boot.policy.generation } : undefined;
  const control = await bus.serveControl(async ({ request }) => {
    if (request.command === 'apply-risk-policy') {
      const doc = request.policy;
      executor.setHalt(doc?.spec.halt === true, doc?.spec.haltReason);
      applied = doc ? { name: doc.name, generation: doc.generation } : undefined;
      // Reported at once, so the operator sees the generation applied without waiting for the next tick.
      setImmediate(() => bus.publishStatus(report()));
      return {
        ok: true,
        message: doc?.spec.halt
          ? `halted by RiskPolicy ${doc.name}`
          : 'halt state applied; changed limits take effect when the executor restarts',
      };
    }
    const { done, symbols } = executor.haltAndFlatten(request.reason);
    return done
      ? { ok: true, flattened: [...symbols], message: `flat and halted: ${request.reason}` }
      : { ok: false, message: `closing ${symbols.join(', ')} on the next candle` };
  });
  const report = (): RuntimeReport => {
    const s = source.status();
    return {
      time: new Date().toISOString(),
      healthy: executor.failure === undefined && state.monitor.canOpenPositions(),
      ...(executor.failure !== undefined
        ? { message: (executor.failure as Error).message }
        : state.monitor.message() !== undefined
          ? { message: state.monitor.message() }
          : {}),
      currency: s.currency,
      // The contract's decimal strings carry at most 18 decimals.
      equity: money(s.equity),
      pnlToday: money(s.pnlToday),
      pnlTotal: money(s.pnlTotal),
      openPositions: s.openPositions,
      tradesToday: s.tradesToday,
      risk: { state: s.risk.state, ...(s.risk.reason ? { reason: s.risk.reason } : {}) },
      strategies: s.strategies.map((x) => ({ name: x.name, ready: x.ready })),
      ...(applied ? { policy: applied } : {}),
    };
  };
  const timer = setInterval(() => bus.publishStatus(report()), 5000);
  ready = true;
  return {
    executor,
    async stop() {
      clearInterval(timer);
      await control.unsubscribe();
      await executor.stop();
      await status?.close();
      await state.close();
      await health.close();
    },
  };
}

function feedOf(boot: BootConfig): CandleFeed {
  const { config } = boot;
  const bot = botSpecOf(config);
  if (config.marketData.source === 'replay') {
    const warnings: string[] = [];
    const markets = loadReplayMarkets(bot, replayFiles(bot, undefined), warnings);
    const speed = config.marketData.replay?.speed ?? 1;
    return new LoopingReplay(markets, { speed, loop: config.marketData.replay?.loop ?? false });
  }
  if (config.exchange.name !== 'binance') {
    throw new Error(
      `marketData.source exchange: only binance has a market-data feed so far, not ${config.exchange.name}`,
    );
  }
  return binanceFeed(config.symbols, config.timeframe);
}
