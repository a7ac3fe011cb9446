// The operator at scale, against the real test servers (test/servers: etcd,
// kube-apiserver, controller-manager, scheduler, kwok with 4 fake nodes, NATS):
//
// operator.createTime.seconds: baseline, the API server alone accepting
//   BENCH_BOTS (1,000) TradingBot creates in a namespace nobody reconciles
//   (the same client and concurrency as below).
// operator.readyTime.seconds: the real operator as a child process
//   (`botcore operator`, the integration harness's flags) watching a fresh
//   namespace; from the first create to every bot's Ready condition True.
//   Ready needs every Deployment available (kwok runs the pods) and a healthy
//   runtime report, which a small NATS responder here publishes for every bot
//   (and it answers halt-and-flatten requests, as an executor would).
//   `childrenCreated` is when the operator had created every child (its own
//   metrics), so its share and the control plane's are both visible;
//   `cpuSeconds` is the CPU each test server, the operator and the bench used
//   until then (from /proc), which a busy shared machine moves far less than
//   the wall time.
// operator.resyncWrites.count: writes the operator makes in a window that
//   holds a full resync (`--resync-period`, BENCH_RESYNC_PERIOD, 60s) once
//   everything is Ready and nothing changes: applies that were not skipped
//   (its metrics), plus bots, children and events whose resourceVersion moved.
//   The reports repeat one fixed time, so they change nothing either.
// operator.peakRss.megabytes: the operator process's VmHWM before it stops.
//
// Standalone: `node bench/operator.ts`; from a runner: `await run()`. It
// starts (or reuses) the test servers of BOTCORE_PORT_OFFSET, BOTCORE_STATE_DIR
// and BOTCORE_SERVERS_ENV, like `npm run env:up` (docs/development.md).
// Knobs: BENCH_BOTS (1000), BENCH_CONCURRENCY (32 creates in flight),
// BENCH_RESYNC_PERIOD (60s), BENCH_READY_TIMEOUT (600 s),
// BENCH_OPERATOR_ARGS (extra operator flags, space-separated),
// BENCH_HEAP_SNAPSHOT (a folder for a heap snapshot of the operator, taken
// after the peak-memory figure so writing it does not raise that figure).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
  NetworkingV1Api,
} from '@kubernetes/client-node';
import { connect, type NatsConnection } from 'nats';
import type { TradingBot } from '../crds/index.ts';
import { botManifest as harnessBot, operatorCommand } from '../test/operator/harness.ts';
import type { Figure } from './figure.ts';

const SELF = fileURLToPath(import.meta.url);
const ROOT = join(import.meta.dirname, '..');
const BOTS = Number(process.env.BENCH_BOTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const RESYNC = process.env.BENCH_RESYNC_PERIOD ?? '60s';
const READY_TIMEOUT_MS = Number(process.env.BENCH_READY_TIMEOUT ?? 600) * 1000;
const EXTRA_ARGS = (process.env.BENCH_OPERATOR_ARGS ?? '').split(' ').filter((a) => a !== '');
/** A folder: once peak memory is measured, the operator writes a V8 heap snapshot there (what the memory is made of). */
const HEAP_SNAPSHOT_DIR = process.env.BENCH_HEAP_SNAPSHOT;
const group = 'trading.botcore.dev';
const version = 'v1alpha1';
const managed = 'app.kubernetes.io/managed-by=botcore-operator';

interface Clients {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly net: NetworkingV1Api;
  readonly custom: CustomObjectsApi;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => Math.round(ms / 10) / 100;
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

function durationMs(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value);
  if (m === null) throw new Error(`BENCH_RESYNC_PERIOD: "${value}" is not a duration like 60s`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

/**
 * One bot: the smallest real one (feed, executor, one strategy: three
 * Deployments), without the status endpoint's Service: the test API server's
 * service range is a /24, so at most ~250 ClusterIPs, and every bot past that
 * would fail `range is full`.
 */
function botManifest(name: string): TradingBot {
  return harnessBot(name, {
    strategies: [{ name: 'rsi', type: 'rsi', rsi: { period: 7 } }],
    statusEndpoint: { enabled: false },
  });
}
const DEPLOYMENTS_PER_BOT = 3;
const botName = (i: number) => `bot-${String(i).padStart(5, '0')}`;

/** Runs `fn` over 0..n-1 with at most `limit` in flight. */
async function pool(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

async function createBots(c: Clients, namespace: string): Promise<number> {
  const t0 = performance.now();
  await pool(BOTS, CONCURRENCY, async (i) => {
    await c.custom.createNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'tradingbots',
      body: botManifest(botName(i)),
    });
  });
  return performance.now() - t0;
}

async function listBots(c: Clients, namespace: string): Promise<TradingBot[]> {
  const list = (await c.custom.listNamespacedCustomObject({
    group,
    version,
    namespace,
    plural: 'tradingbots',
  })) as { items: TradingBot[] };
  return list.items;
}

const isReady = (b: TradingBot) =>
  b.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

async function createNamespace(c: Clients, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await c.core.createNamespace({ body: { metadata: { name, labels: { 'botcore.dev/bench': prefix } } } });
  return name;
}

/** Drops our finalizers (the operator is gone by then) and deletes the namespace; waits until it is gone. */
async function removeNamespace(c: Clients, namespace: string, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  for (const plural of ['tradingbots', 'riskpolicies']) {
    const list = (await c.custom
      .listNamespacedCustomObject({ group, version, namespace, plural })
      .catch(() => ({ items: [] }))) as { items: KubernetesObject[] };
    const held = list.items.filter((o) => (o.metadata?.finalizers?.length ?? 0) > 0);
    await pool(held.length, 16, async (i) => {
      await c.custom
        .patchNamespacedCustomObject({
          group,
          version,
          namespace,
          plural,
          name: held[i]?.metadata?.name ?? '',
          body: [{ op: 'remove', path: '/metadata/finalizers' }],
        })
        .catch(() => {});
    });
  }
  await c.core.deleteNamespace({ name: namespace, propagationPolicy: 'Background' }).catch(() => {});
  while (performance.now() - t0 < timeoutMs) {
    const gone = await c.core.readNamespace({ name: namespace }).then(
      () => false,
      () => true,
    );
    if (gone) return performance.now() - t0;
    await sleep(1000);
  }
  return Number.NaN;
}

// ------------------------------------------------------------ the operator

interface Operator {
  readonly child: ChildProcess;
  readonly healthPort: Promise<number>;
  readonly tail: () => string;
  readonly warnings: () => number;
  stop(): Promise<void>;
}

function startOperator(namespace: string): Operator {
  const args = operatorCommand({
    namespace,
    resyncPeriod: RESYNC,
    logLevel: 'info',
    extra: ['--no-leader-elect', ...EXTRA_ARGS],
  });
  const heapSnapshotFlags =
    HEAP_SNAPSHOT_DIR === undefined
      ? []
      : ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${HEAP_SNAPSHOT_DIR}`];
  const child = spawn(process.execPath, [...heapSnapshotFlags, ...args], {
    cwd: ROOT,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let warnings = 0;
  let pending = '';
  let resolvePort: (port: number) => void = () => {};
  let rejectPort: (error: Error) => void = () => {};
  const healthPort = new Promise<number>((resolve, reject) => {
    resolvePort = resolve;
    rejectPort = reject;
  });
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 50) lines.shift();
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) {
      keep(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; level?: number; healthPort?: number };
        if ((entry.level ?? 0) >= 40) warnings++;
        if (entry.msg === 'operator started' && typeof entry.healthPort === 'number')
          resolvePort(entry.healthPort);
      } catch {
        // not JSON: kept in the tail
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => keep(chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => rejectPort(new Error(`the operator exited:\n${lines.join('\n')}`)));
  return {
    child,
    healthPort,
    tail: () => lines.join('\n'),
    warnings: () => warnings,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

type Metrics = Array<{ name: string; labels: Record<string, string>; value: number }>;

/** The operator's /metrics, retried twice: a keep-alive socket the server closes just as a poll reuses it fails once. */
async function scrape(port: number): Promise<Metrics> {
  let text: string | undefined;
  for (let attempt = 1; text === undefined; attempt++) {
    try {
      text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    } catch (error) {
      if (attempt >= 3) throw error;
      await sleep(200);
    }
  }
  const out: Metrics = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[l[1] ?? ''] = l[2] ?? '';
    out.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return out;
}

function sum(
  metrics: Metrics,
  name: string,
  match: (labels: Record<string, string>) => boolean = () => true,
) {
  return metrics.filter((m) => m.name === name && match(m.labels)).reduce((a, m) => a + m.value, 0);
}

/**
 * CPU seconds (user + system) used so far by each test server (their pid
 * files) and the operator, from /proc/<pid>/stat (clock ticks, USER_HZ 100).
 * CPU time, unlike wall time, barely moves with what else runs on the machine.
 */
async function cpuSeconds(operatorPid: number | undefined): Promise<Record<string, number>> {
  const { stateDir } = await import('../test/servers/paths.ts');
  const { processFiles, runningPid } = await import('../test/servers/process.ts');
  const { COMPONENTS } = await import('../test/servers/components/index.ts');
  const ticks = (pid: number) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  const out: Record<string, number> = {};
  for (const c of COMPONENTS) {
    const pid = runningPid(processFiles(stateDir(), c.name));
    if (pid !== undefined) out[c.name] = ticks(pid);
  }
  if (operatorPid !== undefined) out.operator = ticks(operatorPid);
  const self = process.cpuUsage();
  out.bench = (self.user + self.system) / 1e6;
  return out;
}

function cpuSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const used: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(after)) {
    used[name] = Math.round((seconds - (before[name] ?? 0)) * 10) / 10;
  }
  used.total = Math.round(Object.values(used).reduce((a, b) => a + b, 0) * 10) / 10;
  return used;
}

/** Peak and current resident memory of a process, in MB (from /proc). */
function memory(pid: number): { peak: number; current: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { peak: Math.round(kb('VmHWM') / 1024), current: Math.round(kb('VmRSS') / 1024) };
}

/** Signals the operator (started with --heapsnapshot-signal) and waits until the snapshot file stops growing. */
async function heapSnapshot(pid: number, dir: string): Promise<string> {
  const snapshots = () => new Set(readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')));
  const before = snapshots();
  process.kill(pid, 'SIGUSR2');
  let size = -1;
  for (let waited = 0; waited < 120_000; waited += 1000) {
    await sleep(1000);
    const file = [...snapshots()].find((f) => !before.has(f));
    if (file === undefined) continue;
    const now = statSync(join(dir, file)).size;
    if (now === size && now > 0) return join(dir, file);
    size = now;
  }
  throw new Error(`no heap snapshot in ${dir} after 120 s`);
}

// ------------------------------------------------------ the executor's side

/**
 * Plays every bot's executor: a healthy report for each bot every 2 s (one
 * fixed `time`, so repeated reports change no status), and `{ok:true}` to
 * halt-and-flatten requests.
 */
function responder(nc: NatsConnection, namespace: string): () => void {
  const encoder = new TextEncoder();
  const report = encoder.encode(
    JSON.stringify({ time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), healthy: true }),
  );
  const publish = () => {
    for (let i = 0; i < BOTS; i++) nc.publish(`botcore.${namespace}.${botName(i)}.status`, report);
  };
  publish();
  const timer = setInterval(publish, 2000);
  const sub = nc.subscribe(`botcore.${namespace}.*.control`);
  void (async () => {
    for await (const message of sub) if (message.reply) message.respond(encoder.encode('{"ok":true}'));
  })();
  return () => {
    clearInterval(timer);
    sub.unsubscribe();
  };
}

// ------------------------------------------------------------ what moved

/** resourceVersion of every bot, child and event in the namespace, by kind/name. */
async function versions(c: Clients, namespace: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const add = (kind: string, items: KubernetesObject[]) => {
    for (const o of items) out.set(`${kind}/${o.metadata?.name}`, o.metadata?.resourceVersion ?? '');
  };
  const labelSelector = managed;
  add('TradingBot', await listBots(c, namespace));
  add('Deployment', (await c.apps.listNamespacedDeployment({ namespace, labelSelector })).items);
  add('ConfigMap', (await c.core.listNamespacedConfigMap({ namespace, labelSelector })).items);
  add('Service', (await c.core.listNamespacedService({ namespace, labelSelector })).items);
  add('ServiceAccount', (await c.core.listNamespacedServiceAccount({ namespace, labelSelector })).items);
  add('NetworkPolicy', (await c.net.listNamespacedNetworkPolicy({ namespace, labelSelector })).items);
  // Events by who wrote them and why, to tell the operator's from the control plane's.
  for (const e of (await c.core.listNamespacedEvent({ namespace })).items) {
    const who = e.reportingComponent || e.source?.component || 'unknown';
    out.set(`Event:${who}:${e.reason}/${e.metadata?.name}`, e.metadata?.resourceVersion ?? '');
  }
  return out;
}

function moved(before: Map<string, string>, after: Map<string, string>): Record<string, number> {
  const byKind: Record<string, number> = {};
  for (const [key, rv] of after) {
    if (before.get(key) === rv) continue;
    const kind = key.slice(0, key.indexOf('/'));
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  return byKind;
}

const nonSkippedApplies = (m: Metrics) =>
  sum(m, 'botcore_operator_child_applies_total', (l) => l.result !== 'unchanged');
const botReconciles = (m: Metrics) =>
  sum(m, 'botcore_operator_reconcile_total', (l) => l.controller === 'tradingbot');

/** Waits until the work queues are empty and no reconcile runs, twice in a row 1 s apart. */
async function quiet(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let calm = 0;
  while (Date.now() < deadline) {
    const m = await scrape(port);
    const busy = sum(m, 'botcore_operator_workqueue_depth') + sum(m, 'botcore_operator_active_workers') > 0;
    calm = busy ? 0 : calm + 1;
    if (calm >= 2) return true;
    await sleep(1000);
  }
  return false;
}

// ------------------------------------------------------------------- run

async function servers(): Promise<void> {
  const { up } = await import('../test/servers/environment.ts');
  const { settings } = await up();
  for (const [k, v] of Object.entries(settings)) process.env[k] = String(v);
}

export async function run(print: (line: string) => void = console.log): Promise<Figure[]> {
  const figures: Figure[] = [];
  const emit = (f: Figure) => {
    figures.push(f);
    print(JSON.stringify(f));
  };
  await servers();
  const { applyProjectCrds } = await import('../test/support/kube.ts');
  await applyProjectCrds();
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KUBECONFIG ?? '');
  const c: Clients = {
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    net: kc.makeApiClient(NetworkingV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
  const common = { bots: BOTS, concurrency: CONCURRENCY, loadAverage: load() };

  // Baseline: the API server alone, in a namespace nobody reconciles.
  const baseNs = await createNamespace(c, 'bench-apiserver');
  let createMs: number;
  try {
    createMs = await createBots(c, baseNs);
  } finally {
    await removeNamespace(c, baseNs, 300_000);
  }
  emit({
    name: 'operator.createTime.seconds',
    value: seconds(createMs),
    unit: 's',
    ...common,
    createsPerSecond: Math.round(BOTS / (createMs / 1000)),
    note: 'baseline: the API server alone accepting the creates (no operator watching)',
  });

  const ns = await createNamespace(c, 'bench-operator');
  const nc = await connect({ servers: process.env.NATS_URL ?? '' });
  const op = startOperator(ns);
  const stopReporting = responder(nc, ns);
  // Interrupted: leave no operator process and no namespace behind.
  const interrupted = async () => {
    stopReporting();
    await op.stop();
    await removeNamespace(c, ns, 0);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const port = await Promise.race([
      op.healthPort,
      sleep(60_000).then(() => Promise.reject(new Error(`operator did not start:\n${op.tail()}`))),
    ]);
    const startedAt = Date.now();

    // 1. Ready time.
    const cpuAtStart = await cpuSeconds(op.child.pid);
    const t0 = performance.now();
    let withOperatorCreateMs = 0;
    const creating = createBots(c, ns).then((ms) => {
      withOperatorCreateMs = ms;
    });
    let childrenMs: number | undefined;
    let readyMs: number | undefined;
    let ready = 0;
    let maxDepth = 0;
    let polls = 0;
    while (performance.now() - t0 < READY_TIMEOUT_MS) {
      await sleep(1000);
      const m = await scrape(port);
      maxDepth = Math.max(
        maxDepth,
        sum(m, 'botcore_operator_workqueue_depth', (l) => l.controller === 'tradingbot'),
      );
      const created = sum(
        m,
        'botcore_operator_child_applies_total',
        (l) => l.kind === 'Deployment' && l.result === 'created',
      );
      if (childrenMs === undefined && created >= BOTS * DEPLOYMENTS_PER_BOT)
        childrenMs = performance.now() - t0;
      // The operator's phase gauge (its cache of the bots' status) is cheap to
      // poll; listing every bot from the API server each second would load it
      // noticeably at 1,000 bots. Ready is confirmed from the API server.
      const running = sum(m, 'botcore_operator_tradingbots', (l) => l.phase === 'Running');
      if (running < BOTS && ++polls % 10 !== 0) continue;
      ready = (await listBots(c, ns)).filter(isReady).length;
      if (ready >= BOTS) {
        readyMs = performance.now() - t0;
        break;
      }
    }
    const cpuAtReady = await cpuSeconds(op.child.pid);
    await creating;
    if (readyMs === undefined) ready = (await listBots(c, ns)).filter(isReady).length;
    const m1 = await scrape(port);
    emit({
      name: 'operator.readyTime.seconds',
      value: readyMs === undefined ? null : seconds(readyMs),
      unit: 's',
      ...common,
      ready,
      timedOut: readyMs === undefined,
      target: 60,
      createSeconds: seconds(withOperatorCreateMs),
      childrenCreatedSeconds: childrenMs === undefined ? null : seconds(childrenMs),
      deployments: BOTS * DEPLOYMENTS_PER_BOT,
      reconciles: botReconciles(m1),
      reconcileErrors: sum(m1, 'botcore_operator_reconcile_errors_total'),
      maxQueueDepth: maxDepth,
      operatorWarnings: op.warnings(),
      loadAverageAfter: load(),
      cpuSeconds: cpuSince(cpuAtStart, cpuAtReady),
      note: 'first create to every bot Ready (Deployments available on kwok, healthy report); childrenCreatedSeconds: the operator had created every Deployment; cpuSeconds: CPU each test server, the operator and the bench used until then',
    });

    // 2. Writes in a window holding a full resync, nothing having changed.
    const period = durationMs(RESYNC);
    const settled = await quiet(port, 120_000);
    const before = await versions(c, ns);
    const mBefore = await scrape(port);
    const windowStart = Date.now();
    // The informers resync every period from their start; wait past the next tick, then for the queue.
    const nextTick = startedAt + Math.ceil((windowStart - startedAt) / period + 1e-9) * period;
    await sleep(Math.max(0, nextTick - Date.now()) + 3000);
    const drained = await quiet(port, 120_000);
    const mAfter = await scrape(port);
    const after = await versions(c, ns);
    const rv = moved(before, after);
    const applies = nonSkippedApplies(mAfter) - nonSkippedApplies(mBefore);
    // Events other components write (the control plane's) are not the operator's.
    const rvWrites = Object.entries(rv)
      .filter(([kind]) => !kind.startsWith('Event:') || kind.startsWith('Event:botcore-operator:'))
      .reduce((a, [, n]) => a + n, 0);
    emit({
      name: 'operator.resyncWrites.count',
      value: applies + rvWrites,
      unit: 'writes',
      ...common,
      target: 0,
      appliesNotSkipped: applies,
      resourceVersionsMoved: rv,
      objectsCompared: before.size,
      reconcilesInWindow: botReconciles(mAfter) - botReconciles(mBefore),
      windowSeconds: seconds(Date.now() - windowStart),
      resyncPeriod: RESYNC,
      settledBefore: settled,
      drainedAfter: drained,
      note: "applies not skipped (operator metrics) + bots, children and the operator's events whose resourceVersion changed, over a window holding one full resync; resourceVersionsMoved also lists other components' events",
    });

    // 3. Peak memory of the operator process.
    const mem = op.child.pid === undefined ? undefined : memory(op.child.pid);
    emit({
      name: 'operator.peakRss.megabytes',
      value: mem?.peak ?? null,
      unit: 'MB',
      ...common,
      target: 200,
      currentRss: mem?.current ?? null,
      note: 'VmHWM of the operator process (bots, children and runtime reports cached)',
    });
    if (HEAP_SNAPSHOT_DIR !== undefined && op.child.pid !== undefined) {
      const file = await heapSnapshot(op.child.pid, HEAP_SNAPSHOT_DIR);
      emit({ name: 'operator.heapSnapshot', value: null, unit: 'file', bots: BOTS, file });
    }
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    print(
      JSON.stringify({
        name: 'operator.error',
        error: String(error),
        ...(cause === undefined ? {} : { cause: String(cause) }),
        operatorExit: op.child.exitCode ?? op.child.signalCode,
        tail: op.tail().slice(-3000),
      }),
    );
    throw error;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    stopReporting();
    await op.stop();
    await nc.close();
    const cleanupMs = await removeNamespace(c, ns, 600_000);
    emit({
      name: 'operator.cleanup.seconds',
      value: Number.isNaN(cleanupMs) ? null : seconds(cleanupMs),
      unit: 's',
      bots: BOTS,
      note: 'operator stopped, finalizers dropped, namespace deleted (background propagation) until it is gone',
    });
  }
  return figures;
}

if (process.argv[1] === SELF) {
  await run();
  process.exit(0);
}
