// `botcore run <manifest>`: the bot on this machine, every role in one
// process, paper mode, no external service. Prints where its status endpoint
// is and how to open it, then the trades as they happen, until SIGINT/SIGTERM.
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dec } from '../domain/index.ts';
import { ConfigError } from '../http/config.ts';
import { CandleDataError } from '../market-data/index.ts';
import { loadRunManifest, RunManifestError } from '../runtime/manifest.ts';
import { replayFiles } from '../runtime/replay.ts';
import {
  defaultStateDir,
  type StandaloneBot,
  StandaloneError,
  startStandalone,
} from '../runtime/standalone.ts';
import { LedgerLockedError } from '../store/file-ledger.ts';
import { StrategyError } from '../strategies/index.ts';

export interface RunCommandOptions {
  readonly manifest: string;
  readonly stateDir?: string;
  readonly port?: number;
  readonly host?: string;
  readonly speed?: number;
  readonly data?: readonly string[];
  readonly policy?: string;
  readonly live?: boolean;
  /** commander's `--no-auth` sets auth: false. */
  readonly auth?: boolean;
  readonly tokenFile?: string;
  /** Exchange REST and WebSocket base URLs for a bot with marketData.source: exchange (default: the exchange's). */
  readonly exchangeRestUrl?: string;
  readonly exchangeWsUrl?: string;
  /** Do not print each trade. */
  readonly quiet?: boolean;
  /** Folder of ONNX models named by a configMapRef (<dir>/<ConfigMap>/<key>). */
  readonly modelsDir?: string;
  readonly cwd?: string;
}

export interface RunIo {
  out(text: string): void;
  err(text: string): void;
}

const stdio: RunIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Starts the bot and prints how to reach it; the caller decides when to stop it. Exit code 1 when it cannot start. */
export async function startRun(
  o: RunCommandOptions,
  io: RunIo = stdio,
): Promise<{ code: number; bot?: StandaloneBot }> {
  const cwd = o.cwd ?? process.cwd();
  try {
    const manifest = await loadRunManifest(join(cwd, relative(cwd, o.manifest)), {
      allowLive: o.live === true,
      ...(o.policy ? { policyFile: o.policy } : {}),
    });
    const stateDir = o.stateDir ?? defaultStateDir(manifest.namespace, manifest.name);
    const host = o.host ?? '127.0.0.1';
    const bot = await startStandalone({
      manifest,
      stateDir,
      host,
      port: o.port ?? 8080,
      ...(o.speed === undefined ? {} : { speed: o.speed }),
      ...(o.data ? { data: o.data } : {}),
      auth: o.auth === false ? 'none' : 'jwt',
      ...(o.modelsDir === undefined ? {} : { modelsDir: o.modelsDir }),
      ...(o.exchangeRestUrl || o.exchangeWsUrl
        ? {
            exchangeFeed: {
              ...(o.exchangeRestUrl ? { restBaseUrl: o.exchangeRestUrl } : {}),
              ...(o.exchangeWsUrl ? { wsBaseUrl: o.exchangeWsUrl } : {}),
            },
          }
        : {}),
      cwd,
      notice: (line) => io.err(`${line}\n`),
    });
    const tokenFile = o.tokenFile ?? join(stateDir, 'status.token');
    if (bot.token) writeFileSync(tokenFile, `${bot.token}\n`, { mode: 0o600 });

    const replay = manifest.bot.marketData.replay;
    const speed = o.speed ?? replay?.speed ?? 1;
    const files = replayFiles(manifest.bot, o.data, cwd).map((f) => `${relative(cwd, f.path)} (${f.symbol})`);
    const marketData =
      files.length === 0
        ? `live closed ${manifest.bot.timeframe} candles of ${manifest.bot.symbols.join(', ')} from ${manifest.bot.exchange.name}'s public market data`
        : `replay of ${files.join(', ')}, ${manifest.bot.timeframe} candles at ${speed > 0 ? `${speed}x real time` : 'full speed'}${replay?.loop ? ', looping' : ''}`;
    const lines = [
      `Bot Core: TradingBot ${manifest.namespace}/${manifest.name} in paper mode: simulated fills, no real orders.`,
      `  market data  ${marketData}`,
      `  strategies   ${manifest.bot.strategies.map((s) => `${s.name} (${s.type})`).join(', ')}; risk policy: ${manifest.policyName ?? 'documented defaults'}`,
      `  state        ${stateDir}${bot.recovered.fills > 0 ? ` (recovered ${bot.recovered.fills} fills)` : ''}`,
      '',
      `Status endpoint: ${bot.url}`,
      `  page         ${bot.pageUrl}`,
    ];
    if (bot.token) {
      lines.push(
        `  token        in ${tokenFile}, e.g.`,
        `               curl -H "Authorization: Bearer $(cat ${tokenFile})" ${bot.url}/api/v1/status`,
      );
    } else lines.push('  auth         none (loopback only): any bearer value is accepted');
    lines.push('', 'Trading. Press Ctrl-C to stop.', '');
    io.out(lines.join('\n'));
    if (!o.quiet) {
      bot.source.subscribe((e) => {
        if (e.type !== 'trade') return;
        const t = e.trade;
        const pnl = t.realizedPnl ? `  pnl ${dec(t.realizedPnl).toDecimalPlaces(8).toFixed()}` : '';
        io.out(
          `${t.time.slice(0, 16).replace('T', ' ')}  ${t.side.padEnd(4)} ${t.quantity} ${t.symbol} @ ${t.price}${pnl}\n`,
        );
      });
    }
    return { code: 0, bot };
  } catch (e) {
    if (
      e instanceof RunManifestError ||
      e instanceof StandaloneError ||
      e instanceof CandleDataError ||
      e instanceof StrategyError ||
      e instanceof LedgerLockedError ||
      e instanceof ConfigError
    ) {
      io.err(`error: ${e.message}\n`);
      return { code: 1 };
    }
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.err(
        `error: port ${o.port ?? 8080} on ${o.host ?? '127.0.0.1'} is taken; stop the other process or pass --port\n`,
      );
      return { code: 1 };
    }
    throw e;
  }
}

/** `botcore run`: starts, then runs until SIGINT or SIGTERM, and stops cleanly. */
export async function runRunCommand(o: RunCommandOptions, io: RunIo = stdio): Promise<number> {
  const { code, bot } = await startRun(o, io);
  if (!bot) return code;
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // A second signal while stopping ends the process at once (the journal is safe at any point).
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      io.err(`\n${signal}: stopping (the state stays in ${bot.stateDir})\n`);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await bot.stop();
  io.err('stopped\n');
  return 0;
}
