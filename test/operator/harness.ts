// Shared by the operator's integration suites: the CRDs installed, the real
// operator as a child process (`botcore operator`), a client that reads the
// API server itself (not the operator's cache), NATS to play the executor,
// and cleanup that never leaves a namespace stuck on a finalizer.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  type CoreV1Event,
  CustomObjectsApi,
  type KubeConfig,
  type V1Deployment,
} from '@kubernetes/client-node';
import { connect, type NatsConnection } from 'nats';
import type { RiskPolicy, TradingBot } from '../../crds/index.ts';
import type { RuntimeReport } from '../../crds/runtime-config/index.ts';
import { operatorNodeOptions } from '../../operator/node-options.ts';
import { eventually } from '../support/eventually.ts';
import { adminKubeConfig, applyProjectCrds, statusCode, uniqueName } from '../support/kube.ts';
import { spawnLogged } from '../support/logged-process.ts';

export const root = join(import.meta.dirname, '..', '..');
export const group = 'trading.botcore.dev';
export const version = 'v1alpha1';

export interface Clients {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly custom: CustomObjectsApi;
}

export function clients(kc: KubeConfig = adminKubeConfig()): Clients {
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}

/** Applies the CRDs from crds/ as they are (updating stale ones) and waits until they are served. */
export async function installCrds(_kc: KubeConfig): Promise<void> {
  await applyProjectCrds();
}

export async function createNamespace(
  c: Clients,
  prefix: string,
  labels: Record<string, string> = {},
): Promise<string> {
  const name = uniqueName(prefix);
  await c.core.createNamespace({
    body: { metadata: { name, labels: { 'botcore.dev/test': prefix, ...labels } } },
  });
  return name;
}

/** Pod Security admission rejects any pod of the namespace that breaks the restricted profile. */
export const restrictedPodSecurity = { 'pod-security.kubernetes.io/enforce': 'restricted' };

/** Drops our finalizers (the operator may be gone) and deletes the namespace. */
export async function removeNamespace(c: Clients, namespace: string): Promise<void> {
  for (const plural of ['tradingbots', 'riskpolicies']) {
    const list = (await c.custom
      .listNamespacedCustomObject({ group, version, namespace, plural })
      .catch(() => ({ items: [] }))) as {
      items: Array<{ metadata: { name: string; finalizers?: string[] } }>;
    };
    for (const item of list.items) {
      if (!item.metadata.finalizers?.length) continue;
      await c.custom
        .patchNamespacedCustomObject({
          group,
          version,
          namespace,
          plural,
          name: item.metadata.name,
          body: [{ op: 'remove', path: '/metadata/finalizers' }],
        })
        .catch(() => {});
    }
  }
  await c.core.deleteNamespace({ name: namespace }).catch(() => {});
}

export function botManifest(name: string, spec: Record<string, unknown> = {}): TradingBot {
  return {
    apiVersion: 'trading.botcore.dev/v1alpha1',
    kind: 'TradingBot',
    metadata: { name },
    spec: {
      exchange: { name: 'binance', testnet: true },
      symbols: ['BTC/USDT'],
      capital: { amount: '1000' },
      strategies: [
        { name: 'rsi-fast', type: 'rsi', rsi: { period: 7 } },
        { name: 'trend', type: 'macd', macd: {} },
      ],
      ...spec,
    },
  } as unknown as TradingBot;
}

export async function createBot(c: Clients, namespace: string, bot: TradingBot): Promise<TradingBot> {
  return (await c.custom.createNamespacedCustomObject({
    group,
    version,
    namespace,
    plural: 'tradingbots',
    body: bot,
  })) as TradingBot;
}

export async function createPolicy(
  c: Clients,
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
): Promise<RiskPolicy> {
  return (await c.custom.createNamespacedCustomObject({
    group,
    version,
    namespace,
    plural: 'riskpolicies',
    body: { apiVersion: `${group}/${version}`, kind: 'RiskPolicy', metadata: { name }, spec },
  })) as RiskPolicy;
}

export async function readBot(c: Clients, namespace: string, name: string): Promise<TradingBot | undefined> {
  try {
    return (await c.custom.getNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'tradingbots',
      name,
    })) as TradingBot;
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}

export async function readPolicy(
  c: Clients,
  namespace: string,
  name: string,
): Promise<RiskPolicy | undefined> {
  try {
    return (await c.custom.getNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'riskpolicies',
      name,
    })) as RiskPolicy;
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}

/** JSON merge patch of a custom object (spec changes, as a user would make them). */
export async function mergePatch(
  c: Clients,
  namespace: string,
  plural: 'tradingbots' | 'riskpolicies',
  name: string,
  patch: Record<string, unknown>,
): Promise<void> {
  const { setHeaderOptions } = await import('@kubernetes/client-node');
  await c.custom.patchNamespacedCustomObject(
    { group, version, namespace, plural, name, body: patch },
    setHeaderOptions('Content-Type', 'application/merge-patch+json'),
  );
}

export function condition(object: TradingBot | RiskPolicy | undefined, type: string) {
  return object?.status?.conditions?.find((c) => c.type === type);
}

/** Waits until the bot (read from the API server) satisfies `check`. */
export function waitForBot(
  c: Clients,
  namespace: string,
  name: string,
  what: string,
  check: (bot: TradingBot) => boolean,
  timeoutMs = 45_000,
): Promise<TradingBot> {
  let last: TradingBot | undefined;
  return eventually(
    async () => {
      last = await readBot(c, namespace, name);
      return last !== undefined && check(last) ? last : undefined;
    },
    what,
    { timeoutMs: timeoutMs },
  ).catch((error: unknown) => {
    throw new Error(
      `${String(error)}; bot ${namespace}/${name} last status: ${JSON.stringify(last?.status)}`,
    );
  });
}

export async function deploymentsOf(c: Clients, namespace: string, bot: string): Promise<V1Deployment[]> {
  const list = await c.apps.listNamespacedDeployment({
    namespace,
    labelSelector: `trading.botcore.dev/bot=${bot}`,
  });
  return list.items.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

export async function eventsFor(c: Clients, namespace: string, name: string): Promise<CoreV1Event[]> {
  const list = await c.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

export async function waitForEvent(
  c: Clients,
  namespace: string,
  name: string,
  reason: string,
  timeoutMs = 30_000,
): Promise<CoreV1Event> {
  return eventually(
    async () => (await eventsFor(c, namespace, name)).find((e) => e.reason === reason),
    `event ${reason} on ${namespace}/${name}`,
    { timeoutMs: timeoutMs },
  );
}

// ---- the operator as a child process ------------------------------------

export interface OperatorProcess {
  readonly process: ChildProcess;
  /** Every JSON log line so far. */
  readonly logs: Array<Record<string, unknown>>;
  /** Raw stdout and stderr, to check that no secret ever appears. */
  readonly output: () => string;
  healthPort(): Promise<number>;
  isLeader(): boolean;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

export interface OperatorSettings {
  readonly namespace: string;
  readonly args?: string[];
  readonly env?: Record<string, string>;
  readonly identity?: string;
}

/**
 * The `botcore operator` command line (node's arguments) the suites and the
 * operator benchmark run: the container's V8 flags, fast status folding and
 * halt timeouts, health on a free port.
 */
export function operatorCommand(options: {
  readonly namespace: string;
  readonly resyncPeriod?: string;
  readonly logLevel?: 'debug' | 'info';
  readonly extra?: readonly string[];
}): string[] {
  return [
    // The container's V8 flags (its NODE_OPTIONS), so memory is measured as it runs there.
    ...operatorNodeOptions,
    join(root, 'bot-runtime', 'cli', 'botcore.ts'),
    'operator',
    '--watch-namespace',
    options.namespace,
    '--health-port',
    '0',
    '--health-host',
    '127.0.0.1',
    '--status-interval',
    '500ms',
    '--halt-timeout',
    '4s',
    '--halt-request-timeout',
    '1s',
    '--resync-period',
    options.resyncPeriod ?? '30s',
    '--log-level',
    options.logLevel ?? 'debug',
    ...(options.extra ?? []),
  ];
}

export function startOperatorProcess(settings: OperatorSettings): OperatorProcess {
  const args = operatorCommand({
    namespace: settings.namespace,
    extra: [
      ...(settings.identity === undefined ? [] : ['--identity', settings.identity]),
      ...(settings.args ?? ['--no-leader-elect']),
    ],
  });
  const spawned = spawnLogged(args, { cwd: root, env: { ...process.env, ...settings.env } });
  const { child, logs } = spawned;
  const raw = () => spawned.output();
  const exited = spawned.exited.then((e) => e.code);
  return {
    process: child,
    logs,
    output: raw,
    exited,
    healthPort: () =>
      eventually(
        async () => logs.find((l) => l.msg === 'operator started')?.healthPort as number | undefined,
        () => `operator to start; output so far:\n${raw().slice(-3000)}`,
        { timeoutMs: 20_000 },
      ),
    isLeader: () => {
      const led = logs.filter((l) => l.msg === 'started leading' || l.msg === 'stopped leading');
      return led.at(-1)?.msg === 'started leading';
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

// ---- NATS: the executor's side -------------------------------------------

export async function natsConnection(): Promise<NatsConnection> {
  const url = process.env.NATS_URL;
  if (!url) throw new Error('NATS_URL is not set: run through vitest --project integration');
  return connect({ servers: url });
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function healthyReport(extra: Partial<RuntimeReport> = {}): RuntimeReport {
  return { time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), healthy: true, ...extra };
}

export function publishReport(
  nc: NatsConnection,
  namespace: string,
  bot: string,
  report: RuntimeReport,
): void {
  nc.publish(`botcore.${namespace}.${bot}.status`, encoder.encode(JSON.stringify(report)));
}

/** Publishes the report every 300 ms until stopped, as a running executor would. */
export function keepReporting(
  nc: NatsConnection,
  namespace: string,
  bot: string,
  report: () => RuntimeReport,
): () => void {
  publishReport(nc, namespace, bot, report());
  const timer = setInterval(() => publishReport(nc, namespace, bot, report()), 300);
  return () => clearInterval(timer);
}

export interface ControlListener {
  readonly received: Array<Record<string, unknown>>;
  stop(): void;
}

/** Plays the executor on the control subject: records each command and answers `reply` (null: stays silent). */
export function executor(
  nc: NatsConnection,
  namespace: string,
  bot: string,
  reply: Record<string, unknown> | null = { ok: true },
): ControlListener {
  const received: Array<Record<string, unknown>> = [];
  const sub = nc.subscribe(`botcore.${namespace}.${bot}.control`);
  void (async () => {
    for await (const message of sub) {
      received.push(JSON.parse(decoder.decode(message.data)) as Record<string, unknown>);
      if (reply !== null && message.reply) message.respond(encoder.encode(JSON.stringify(reply)));
    }
  })();
  return { received, stop: () => sub.unsubscribe() };
}
