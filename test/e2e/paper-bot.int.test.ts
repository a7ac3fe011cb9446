// The whole bot on the real servers. The real operator (a child process)
// reconciles examples/bots/demo.yaml (paper, ETH/BTC, a replay of real
// 5-minute candles at 3000 times real time) on the real API server; the test
// starts each rendered container's command as a local process with the
// rendered environment (local-pod.ts), on the real NATS, Redis and MongoDB.
// Then what each audience sees: the hot state in Redis (the latest price, the
// risk state, positions), `kubectl get tb`, the status endpoint's JSON
// API and WebSocket stream with a trader token signed by the key whose public
// half the status keys Secret holds, the page in Debian's Chromium; Ready
// following the runtime's reports through an executor crash (SIGKILL, then a
// restart that resumes from the ledger, with no fill lost or counted twice);
// and the bot's deletion flattening it before everything stops.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { V1Deployment } from '@kubernetes/client-node';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { parse } from 'yaml';
import { fakeIssuer } from '../../bot-runtime/http/fake-tokens.ts';
import { reconcileLedger } from '../../bot-runtime/recovery/reconcile.ts';
import { MongoLedger } from '../../bot-runtime/store/mongo-ledger.ts';
import { RedisHotState } from '../../bot-runtime/store/redis-hot-state.ts';
import { ledgerDatabase } from '../../bot-runtime/store/runtime-state.ts';
import type { TradingBot } from '../../crds/index.ts';
import {
  type Clients,
  clients,
  condition,
  createBot,
  createNamespace,
  deploymentsOf,
  group,
  installCrds,
  type OperatorProcess,
  readBot,
  removeNamespace,
  root,
  startOperatorProcess,
  version,
  waitForBot,
  waitForEvent,
} from '../operator/harness.ts';
import { removeBot, serverUrl } from '../runtime-faults/harness.ts';
import { eventually } from '../support/eventually.ts';
import { type LocalPod, localPod } from './local-pod.ts';
import { type RuntimeProcess, startRuntime } from './runtime-process.ts';

const CHROMIUM = process.env.BOTCORE_CHROMIUM ?? '/usr/bin/chromium';
const EXAMPLE = join(root, 'examples', 'bots', 'demo.yaml');
const BOT = 'demo';
/** Processes on one machine share its ports: each role takes a free one (a pod has its own). */
const ANY_PORTS = { BOTCORE_HEALTH_PORT: '0', BOTCORE_STATUS_PORT: '0' };
const DECIMAL = /^-?\d+(\.\d+)?$/;

let c: Clients;
let ns = '';
let operator: OperatorProcess | undefined;
let work = '';
let browser: Browser | undefined;
const started: RuntimeProcess[] = [];
// The platform's token issuer: the test holds the private key, the Secret the public one.
const issuer = fakeIssuer('ES256', 'e2e-key-1');
const privatePem = issuer.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

beforeAll(async () => {
  c = clients();
  await installCrds(c.kc);
  ns = await createNamespace(c, 'e2e');
  work = mkdtempSync(join(tmpdir(), 'botcore-e2e-'));
  await c.core.createNamespacedSecret({
    namespace: ns,
    body: {
      metadata: { name: 'botcore-status-keys' },
      stringData: { keys: issuer.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    },
  });
  // Reports count for Ready for 12 s (the executor reports every 5 s), so a crash shows soon;
  // deletion waits for the flatten as long as a cluster would.
  operator = startOperatorProcess({
    namespace: ns,
    args: ['--no-leader-elect', '--report-stale-after', '12s', '--halt-timeout', '30s'],
  });
  await operator.healthPort();
});

afterAll(async () => {
  await browser?.close();
  // Gracefully: a process killed while writing can leave FerretDB busy with a database dropped below.
  for (const p of started) await p.stop();
  await operator?.stop();
  if (ns) {
    await removeNamespace(c, ns);
    const address = { namespace: ns, bot: BOT };
    await removeBot(address, ledgerDatabase(address));
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

function run(pod: LocalPod): RuntimeProcess {
  const p = startRuntime(pod, ANY_PORTS);
  started.push(p);
  return p;
}

function trader(bots: string[] = [`${ns}/${BOT}`]): Promise<string> {
  // The executor's defaults: audience botcore-status, issuer botcore.
  return issuer.sign({ sub: 'trader-e2e', bots, iss: 'botcore', aud: 'botcore-status' });
}

async function api<T>(base: string, path: string, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: (await response.json()) as T };
}

interface Trade {
  readonly id: string;
  readonly symbol: string;
  readonly side: string;
  readonly price: string;
}

/** `kubectl get tb <bot>` as a header-to-value map. */
async function kubectlGetTb(): Promise<Record<string, string>> {
  const kubectl = process.env.KUBECTL;
  if (!kubectl) throw new Error('KUBECTL is not set: run through the integration project');
  const { stdout } = await promisify(execFile)(kubectl, ['get', 'tb', BOT, '-n', ns], { env: process.env });
  const [header, row] = stdout.trim().split('\n');
  const names = header!.trim().split(/\s+/);
  const values = row!.trim().split(/\s+/);
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']));
}

const readyStatus = (bot: TradingBot) => condition(bot, 'Ready');

/** The status endpoint on this machine, from the executor's `status endpoint listening` line. */
const portOf = (listening: Record<string, unknown>) =>
  `http://127.0.0.1:${new URL(String(listening.url)).port}`;

describe('a paper bot from examples/, end to end', () => {
  it('reconciled by the operator, run from its rendered pods, seen through kubectl, the status endpoint and the page', async () => {
    const manifest = parse(readFileSync(EXAMPLE, 'utf8')) as TradingBot;
    await createBot(c, ns, manifest);

    // ---- what the operator rendered, read from the API server -------------
    const deployments = await eventually(async () => {
      const list = await deploymentsOf(c, ns, BOT);
      return list.length === 3 ? list : undefined;
    }, 'the feed, executor and strategy Deployments');
    const byName = (name: string): V1Deployment => deployments.find((d) => d.metadata?.name === name)!;
    const executorSpec = byName('demo-executor').spec?.template.spec?.containers[0];
    expect(executorSpec?.env?.find((e) => e.name === 'BOTCORE_STATUS_PUBLIC_KEYS')?.valueFrom).toEqual({
      secretKeyRef: { name: 'botcore-status-keys', key: 'keys' },
    });
    const pods = {
      executor: await localPod(c, byName('demo-executor'), work),
      strategy: await localPod(c, byName('demo-strategy-rsi'), work),
      feed: await localPod(c, byName('demo-feed'), work),
    };
    expect(pods.executor.args).toEqual(['runtime', '--role', 'executor']);
    expect(pods.strategy.args).toEqual(['runtime', '--role', 'strategy', '--strategy', 'rsi']);
    expect(pods.feed.args).toEqual(['runtime', '--role', 'feed']);
    // The configuration is the rendered ConfigMap, found where the mount would put it.
    const config = JSON.parse(readFileSync(pods.executor.env.BOTCORE_CONFIG!, 'utf8'));
    expect(config).toMatchObject({
      bot: { namespace: ns, name: BOT },
      marketData: { source: 'replay', replay: { speed: 3000 } },
      connections: { nats: { url: serverUrl('NATS_URL') }, mongodb: { url: serverUrl('MONGODB_URL') } },
    });

    // ---- the rendered commands as local processes ------------------------
    // The feed last, so that the first candles find their subscribers (in a cluster a few may be missed).
    let executor = run(pods.executor);
    /** Executor processes started: each writes its fills under its own order-id prefix. */
    let executorRuns = 1;
    const listening = await executor.waitForLog('status endpoint listening');
    const strategy = run(pods.strategy);
    await strategy.waitForLog('role started');
    const feed = run(pods.feed);
    await feed.waitForLog('role started');
    const base = portOf(listening);
    const token = await trader();

    // The stream, followed from the start.
    const streamed: Array<{ type: string; [key: string]: unknown }> = [];
    const socket = new WebSocket(`${base.replace('http', 'ws')}/api/v1/stream`, [
      'botcore.v1',
      `bearer.${token}`,
    ]);
    socket.on('message', (data) => streamed.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

    // ---- trades happen on the replayed candles ---------------------------
    const trades = await eventually(
      async () => {
        const { body } = await api<{ items: Trade[] }>(base, '/api/v1/trades?limit=100', token);
        return body.items.length >= 2 ? body.items : undefined;
      },
      'two trades on the status endpoint',
      { timeoutMs: 60_000 },
    );
    expect(trades[0]).toMatchObject({ symbol: 'ETH/BTC' });
    expect(trades.map((t) => t.side)).toContain('buy');
    for (const t of trades) expect(t.price).toMatch(DECIMAL);

    // ---- the hot state in Redis: latest price, risk state, positions -----
    const hot = new RedisHotState({ url: serverUrl('REDIS_URL'), address: { namespace: ns, bot: BOT } });
    try {
      await hot.ready();
      const price = await eventually(
        async () => (await hot.prices(['ETH/BTC'])).get('ETH/BTC'),
        'the latest ETH/BTC price in Redis',
      );
      expect(price.price).toMatch(DECIMAL);
      // Stamped with its candle's open time.
      expect(price.ts % 300_000).toBe(0);
      // The risk state the status endpoint shows (read until the two agree: a candle may change it between the reads).
      await eventually(async () => {
        const { body } = await api<{ risk: { state: string } }>(base, '/api/v1/status', token);
        return (await hot.riskState())?.state === body.risk.state ? true : undefined;
      }, 'the risk state in Redis as the status endpoint shows it');
      // The fill applier's positions: the symbol traded, with the sequence of a fill in the ledger.
      const held = await eventually(async () => {
        const positions = await hot.positions();
        return positions.length > 0 ? positions : undefined;
      }, 'a position in Redis');
      expect(held.map((p) => p.symbol)).toEqual(['ETH/BTC']);
    } finally {
      await hot.close();
    }

    // ---- the TradingBot: Ready, with the runtime's figures ----------------
    const reported = await waitForBot(
      c,
      ns,
      BOT,
      'Ready with equity and trades today',
      (b) =>
        readyStatus(b)?.status === 'True' &&
        (b.status?.tradesToday ?? 0) > 0 &&
        b.status?.equity !== undefined,
      60_000,
    );
    expect(reported.status?.equity).toMatch(DECIMAL);
    expect(readyStatus(reported)?.reason).toBe('Running');

    // kubectl's printer columns show them.
    const row = await eventually(async () => {
      const r = await kubectlGetTb();
      return Number(r['TRADES-TODAY']) > 0 && r.READY === 'True' ? r : undefined;
    }, 'kubectl get tb to show trades today and Ready');
    expect(row).toMatchObject({ NAME: BOT, MODE: 'paper', PHASE: 'Running' });
    expect(row.EQUITY).toMatch(DECIMAL);

    // ---- the status endpoint ---------------------------------------------
    const status = await api<{ equity: string; tradesToday: number; mode: string; currency: string }>(
      base,
      '/api/v1/status',
      token,
    );
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ mode: 'paper', currency: 'BTC' });
    expect(status.body.equity).toMatch(DECIMAL);
    expect(status.body.tradesToday).toBeGreaterThan(0);
    expect((await api(base, '/api/v1/status')).status).toBe(401);
    expect((await api(base, '/api/v1/status', await trader([`${ns}/other`]))).status).toBe(403);
    // A token signed by a key the Secret does not hold.
    const forged = await fakeIssuer('ES256', 'e2e-key-1').sign({ bots: [`${ns}/${BOT}`], iss: 'botcore' });
    expect((await api(base, '/api/v1/trades', forged)).status).toBe(401);

    // The stream sent its hello, then equity points and trades as they happened.
    await eventually(
      async () => (streamed.some((m) => m.type === 'trade') ? true : undefined),
      'a trade on the stream',
      { timeoutMs: 60_000 },
    );
    expect(streamed[0]).toMatchObject({ type: 'hello', bot: { namespace: ns, name: BOT } });
    expect(streamed.some((m) => m.type === 'equity')).toBe(true);
    socket.close();

    // ---- the page, in Chromium -------------------------------------------
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    const page = await (await browser.newContext()).newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.goto(`${base}/#token=${token}`);
    await page.locator('#connection[data-state="live"]').waitFor();
    await page.locator('#equity-chart path.line').waitFor();
    expect(Number(await page.locator('#equity-chart').getAttribute('data-points'))).toBeGreaterThan(1);
    await page.locator('#trades tbody tr').first().waitFor();
    expect(await page.locator('#trades tbody tr').first().locator('td').nth(1).textContent()).toBe('ETH/BTC');
    expect(await page.locator('#bot').textContent()).toBe(`${ns}/${BOT}`);
    expect(problems).toEqual([]);
    await browser.close();
    browser = undefined;

    // ---- Ready only while the runtime reports healthy ---------------------
    // The executor crashes while it holds a position: its replacement must take it over.
    const ledger = await MongoLedger.open({
      url: serverUrl('MONGODB_URL'),
      database: ledgerDatabase({ namespace: ns, bot: BOT }),
    });
    try {
      // A kill counts when the ledger held a position at that moment (one may close between the
      // look and the kill); otherwise the pod starts again and the next one is tried.
      let open: Array<{ symbol: string; quantity: string; averagePrice: string }> = [];
      let endpoint = base;
      for (let kills = 0; open.length === 0; kills++) {
        expect(kills).toBeLessThan(3);
        if (kills > 0) {
          executor = run(pods.executor);
          executorRuns++;
          endpoint = portOf(await executor.waitForLog('status endpoint listening'));
        }
        await eventually(
          async () => {
            const { body } = await api<{ items: unknown[] }>(endpoint, '/api/v1/positions', token);
            return body.items.length > 0 ? true : undefined;
          },
          'an open position',
          { timeoutMs: 90_000 },
        );
        await executor.kill();
        open = (await ledger.positions()).filter((p) => p.quantity !== '0');
      }
      expect(open.map((p) => p.symbol)).toEqual(['ETH/BTC']);
      const down = await waitForBot(c, ns, BOT, 'Ready False once reports stop', (b) =>
        ['False', 'Unknown'].includes(readyStatus(b)?.status ?? ''),
      );
      expect(readyStatus(down)?.reason).toBe('RuntimeReportStale');
      const beforeRestart = await ledger.fills();

      // The same pod again. The feed went on, so the candles it missed are gone: the kernel
      // starts from the ledger's cash and position.
      executor = run(pods.executor);
      executorRuns++;
      const resumed = await executor.waitForLog('resuming from the ledger');
      expect(resumed.fills).toBe(beforeRestart.length);
      expect(resumed.portfolio).toContain(`ETH/BTC ${open[0]!.quantity} at ${open[0]!.averagePrice}`);
      const again = portOf(await executor.waitForLog('status endpoint listening'));
      // It serves what it took over: the fill that opened the held position is among its trades.
      // (Not /positions: at 3000 times real time the next candles may already have closed it.)
      const opening = beforeRestart.filter((f) => f.side === 'BUY').at(-1)!;
      const served = await api<{ items: { id: string; orderId: string }[] }>(
        again,
        '/api/v1/trades?limit=500',
        token,
      );
      expect(served.body.items).toContainEqual(
        expect.objectContaining({ id: opening.tradeId, orderId: opening.orderId }),
      );
      await waitForBot(c, ns, BOT, 'Ready again', (b) => readyStatus(b)?.status === 'True', 90_000);
      // Trading again: candles after the restart reach the ledger (the strategy's signals the dead
      // executor held come back only after their ack wait), so a flatten can happen on the next one.
      const lastSeen = (await ledger.equity()).at(-1)?.t ?? 0;
      await eventually(
        async () => ((await ledger.equity(lastSeen + 1)).length > 0 ? true : undefined),
        'the restarted executor to process candles',
        { timeoutMs: 90_000 },
      );

      // ---- deletion: halt and flatten, then everything stops -------------
      await c.custom.deleteNamespacedCustomObject({
        group,
        version,
        namespace: ns,
        plural: 'tradingbots',
        name: BOT,
      });
      await waitForEvent(c, ns, BOT, 'HaltedAndFlattened', 45_000);
      await eventually(
        async () => ((await readBot(c, ns, BOT)) === undefined ? true : undefined),
        'the bot gone',
      );
      // The restarted executor sold what the crashed one had bought: it knew the position.
      const fills = await ledger.fills();
      // A pod run's order ids start with its own prefix (`<start time in base 36>-`): fills of the
      // crashed run and of its replacement, and of any run killed without a position in between.
      const runs = new Set(fills.map((f) => f.orderId.split('-')[0]));
      expect(runs.size).toBeGreaterThanOrEqual(2);
      expect(runs.size).toBeLessThanOrEqual(executorRuns);
      // The prefixes grow with the start time: the last is the replacement's, which sold the position.
      const lastRun = [...runs].sort().at(-1)!;
      expect(fills.filter((f) => f.orderId.startsWith(`${lastRun}-`)).some((f) => f.side === 'SELL')).toBe(
        true,
      );
      for (const p of await ledger.positions()) expect(`${p.symbol} ${p.quantity}`).toBe(`${p.symbol} 0`);
      // Every fill once, each position the sum of its fills.
      const check = await reconcileLedger(ledger);
      expect(check.mismatches).toEqual([]);
      expect(check).toMatchObject({ ok: true, duplicates: [], fillCount: fills.length });
    } finally {
      await ledger.close();
    }
    for (const p of [feed, strategy, executor])
      expect({ role: p.name, exit: await p.stop() }).toEqual({
        role: p.name,
        exit: { code: 0, signal: null },
      });
    expect(await operator!.stop()).toBe(0);

    // No token and no private key in anything the processes wrote.
    for (const output of [...started.map((p) => p.output()), operator!.output()]) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(privatePem.split('\n')[1]!);
    }
  }, 420_000);
});
