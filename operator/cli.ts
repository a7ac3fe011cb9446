// `botcore operator`: flags (each with an environment variable, for the
// Deployment manifest), then the operator until SIGTERM.
import { Command, InvalidArgumentError, Option } from 'commander';
import type { OperatorOptions } from './main.ts';
import { defaultRuntimeHealthPort, defaultStatusKeysSecret } from './render/settings.ts';

function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (match === null) throw new InvalidArgumentError(`"${value}" is not a duration like 500ms, 30s or 2m.`);
  const n = Number(match[1]);
  return match[2] === 'ms' ? n : match[2] === 'm' ? n * 60_000 : n * 1000;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`"${value}" is not a port.`);
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`"${value}" is not a positive whole number.`);
  return n;
}

export function operatorCommand(): Command {
  const env = (option: Option, name: string) => option.env(name);
  return new Command('botcore operator')
    .description(
      'run the TradingBot and RiskPolicy controllers against the current kubeconfig (in-cluster config in a pod)',
    )
    .addOption(
      env(
        new Option(
          '--kubeconfig <file>',
          'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)',
        ),
        'BOTCORE_KUBECONFIG',
      ),
    )
    .addOption(
      env(
        new Option('--watch-namespace <ns>', 'reconcile one namespace only (default: all)'),
        'WATCH_NAMESPACE',
      ),
    )
    .addOption(new Option('--no-leader-elect', 'run without leader election (one replica only)'))
    .addOption(
      env(
        new Option('--leader-election-namespace <ns>', 'namespace of the Lease').default('botcore-system'),
        'POD_NAMESPACE',
      ),
    )
    .addOption(
      env(
        new Option('--lease-name <name>', 'name of the Lease').default('botcore-operator'),
        'BOTCORE_LEASE_NAME',
      ),
    )
    .addOption(
      new Option('--lease-duration <d>', 'leader lease duration').argParser(duration).default(15_000, '15s'),
    )
    .addOption(
      new Option('--renew-deadline <d>', 'leader renew deadline').argParser(duration).default(10_000, '10s'),
    )
    .addOption(
      new Option('--retry-period <d>', 'leader election retry period')
        .argParser(duration)
        .default(2_000, '2s'),
    )
    .addOption(
      env(
        new Option('--identity <id>', 'leader election identity (default: hostname + random suffix)'),
        'POD_NAME',
      ),
    )
    .addOption(
      env(
        new Option('--health-port <port>', 'port of /healthz, /readyz and /metrics')
          .argParser(port)
          .default(8081),
        'BOTCORE_HEALTH_PORT',
      ),
    )
    .addOption(new Option('--health-host <host>', 'address the health server binds (default: all)'))
    .addOption(env(new Option('--nats-url <url>', 'NATS for the runtime and the operator'), 'NATS_URL'))
    .addOption(env(new Option('--redis-url <url>', 'Redis for the runtime'), 'REDIS_URL'))
    .addOption(env(new Option('--mongodb-url <url>', 'MongoDB for the runtime'), 'MONGODB_URL'))
    .addOption(
      env(
        new Option('--runtime-image <image>', 'runtime image when a bot names none').default(
          'ghcr.io/botcore/botcore:latest',
        ),
        'BOTCORE_RUNTIME_IMAGE',
      ),
    )
    .addOption(
      env(
        new Option(
          '--status-keys-secret <name>',
          "Secret in the bot's namespace whose `keys` verify status endpoint tokens",
        ).default(defaultStatusKeysSecret),
        'BOTCORE_STATUS_KEYS_SECRET',
      ),
    )
    .addOption(
      new Option('--runtime-health-port <port>', 'health port of the runtime pods')
        .argParser(port)
        .default(defaultRuntimeHealthPort),
    )
    .addOption(
      new Option('--halt-timeout <d>', 'how long deletion waits for halt-and-flatten')
        .argParser(duration)
        .default(30_000, '30s'),
    )
    .addOption(
      new Option('--halt-request-timeout <d>', 'timeout of one halt-and-flatten request')
        .argParser(duration)
        .default(5_000, '5s'),
    )
    .addOption(
      new Option('--status-interval <d>', 'fold runtime reports into status at most this often per bot')
        .argParser(duration)
        .default(5_000, '5s'),
    )
    .addOption(
      new Option('--report-stale-after <d>', 'a runtime report older than this does not count for Ready')
        .argParser(duration)
        .default(60_000, '60s'),
    )
    .addOption(
      new Option('--concurrency <n>', 'reconciles at once per controller').argParser(positive).default(32),
    )
    .addOption(
      new Option('--resync-period <d>', 'how often every object is reconciled anyway')
        .argParser(duration)
        .default(600_000, '10m'),
    )
    .addOption(
      env(
        new Option('--log-level <level>', 'log level')
          .choices(['trace', 'debug', 'info', 'warn', 'error'])
          .default('info'),
        'LOG_LEVEL',
      ),
    )
    .action(async (opts: Record<string, unknown>) => {
      await runOperator(toOptions(opts));
    });
}

export function toOptions(o: Record<string, unknown>): OperatorOptions {
  const str = (k: string) => (typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : undefined);
  const num = (k: string) => o[k] as number;
  const pick = <K extends string>(k: K, v: string | undefined) =>
    v === undefined ? {} : ({ [k]: v } as Record<K, string>);
  return {
    ...pick('kubeconfig', str('kubeconfig')),
    ...pick('watchNamespace', str('watchNamespace')),
    leaderElect: o.leaderElect !== false,
    leaderElectionNamespace: str('leaderElectionNamespace') ?? 'botcore-system',
    leaseName: str('leaseName') ?? 'botcore-operator',
    leaseDurationMs: num('leaseDuration'),
    renewDeadlineMs: num('renewDeadline'),
    retryPeriodMs: num('retryPeriod'),
    ...pick('identity', str('identity')),
    healthPort: num('healthPort'),
    ...pick('healthHost', str('healthHost')),
    ...pick('natsUrl', str('natsUrl')),
    ...pick('redisUrl', str('redisUrl')),
    ...pick('mongodbUrl', str('mongodbUrl')),
    runtimeImage: str('runtimeImage') ?? 'ghcr.io/botcore/botcore:latest',
    runtimeHealthPort: num('runtimeHealthPort'),
    statusKeysSecret: str('statusKeysSecret') ?? defaultStatusKeysSecret,
    haltTimeoutMs: num('haltTimeout'),
    haltRequestTimeoutMs: num('haltRequestTimeout'),
    statusIntervalMs: num('statusInterval'),
    reportStaleAfterMs: num('reportStaleAfter'),
    concurrency: num('concurrency'),
    resyncPeriodMs: num('resyncPeriod'),
    logLevel: str('logLevel') ?? 'info',
  };
}

/** The action: start, then stop cleanly on SIGTERM/SIGINT. */
export async function runOperator(options: OperatorOptions): Promise<void> {
  const { startOperator } = await import('./main.ts');
  const { installShutdown, createLogger } = await import('./runtime/index.ts');
  const logger = createLogger({ name: 'botcore-operator', level: options.logLevel });
  const running = await startOperator({ ...options, logger });
  installShutdown({ logger, steps: [{ name: 'operator', run: () => running.stop() }] });
}

/** `botcore operator [flags]`, given the arguments after `operator`. */
export async function runOperatorCommand(args: string[]): Promise<void> {
  await operatorCommand().parseAsync(args, { from: 'user' });
}
