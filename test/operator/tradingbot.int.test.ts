// The TradingBot controller end to end, against the real API server with
// controller-manager, scheduler and kwok (so Deployments get Pods that reach
// Running), the real operator as a child process, and NATS playing the
// executor's reports. Assertions read the API server through a separate client.
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import {
  botManifest,
  type Clients,
  clients,
  condition,
  createBot,
  createNamespace,
  deploymentsOf,
  eventsFor,
  healthyReport,
  installCrds,
  keepReporting,
  mergePatch,
  natsConnection,
  type OperatorProcess,
  publishReport,
  readBot,
  removeNamespace,
  restrictedPodSecurity,
  startOperatorProcess,
  waitForBot,
  waitForEvent,
} from './harness.ts';

let c: Clients;
let ns: string;
let operator: OperatorProcess;
let nc: NatsConnection;
const stopReporting: Array<() => void> = [];

beforeAll(async () => {
  c = clients();
  await installCrds(c.kc);
  // The namespace enforces the restricted Pod Security profile: pods that break it are refused.
  ns = await createNamespace(c, 'op-bot', restrictedPodSecurity);
  nc = await natsConnection();
  operator = startOperatorProcess({ namespace: ns });
  await operator.healthPort();
});

afterAll(async () => {
  for (const stop of stopReporting) stop();
  await operator?.stop();
  await nc?.drain();
  if (ns) await removeNamespace(c, ns);
});

const configHash = (d: V1Deployment | undefined) =>
  d?.spec?.template.metadata?.annotations?.['trading.botcore.dev/config-hash'];

async function runningPods(
  name: string,
): Promise<Array<{ name: string; hash: string | undefined; node: string | undefined }>> {
  const pods = await c.core.listNamespacedPod({
    namespace: ns,
    labelSelector: `trading.botcore.dev/bot=${name}`,
  });
  return pods.items
    .filter((p) => p.status?.phase === 'Running' && p.metadata?.deletionTimestamp === undefined)
    .map((p) => ({
      name: p.metadata?.name ?? '',
      hash: p.metadata?.annotations?.['trading.botcore.dev/config-hash'],
      node: p.spec?.nodeName,
    }));
}

describe('TradingBot controller', () => {
  it('creates the children, the pods run on kwok nodes, and the bot becomes Ready once the runtime reports', async () => {
    await createBot(c, ns, botManifest('alpha'));
    const deployments = await eventually(async () => {
      const list = await deploymentsOf(c, ns, 'alpha');
      return list.length === 4 ? list : undefined;
    }, 'four deployments');
    expect(deployments.map((d) => d.metadata?.name)).toEqual([
      'alpha-executor',
      'alpha-feed',
      'alpha-strategy-rsi-fast',
      'alpha-strategy-trend',
    ]);
    const bot = await readBot(c, ns, 'alpha');
    for (const d of deployments) {
      expect(d.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: 'TradingBot',
        name: 'alpha',
        uid: bot?.metadata.uid,
        controller: true,
      });
      expect(d.spec?.template.spec?.containers[0]?.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    expect(bot?.metadata.finalizers).toContain('trading.botcore.dev/halt-and-flatten');
    const cm = await c.core.readNamespacedConfigMap({ name: 'alpha-config', namespace: ns });
    expect(JSON.parse(cm.data?.['config.json'] ?? '{}')).toMatchObject({
      bot: { name: 'alpha', namespace: ns },
      symbols: ['BTC/USDT'],
    });
    await c.core.readNamespacedService({ name: 'alpha-status', namespace: ns });
    await c.core.readNamespacedServiceAccount({ name: 'alpha-runtime', namespace: ns });

    // The scheduler places the pods on kwok nodes, which run them.
    const pods = await eventually(async () => {
      const running = await runningPods('alpha');
      return running.length === 4 ? running : undefined;
    }, 'four running pods');
    for (const pod of pods) expect(pod.node).toMatch(/^kwok-node-/);

    // Deployments available but no runtime report yet: not Ready, and it says why.
    const waiting = await waitForBot(
      c,
      ns,
      'alpha',
      'waiting for the runtime',
      (b) => condition(b, 'Ready')?.reason === 'RuntimeNotReporting',
    );
    expect(waiting.status?.phase).toBe('Starting');
    expect(condition(waiting, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'RolledOut',
      observedGeneration: 1,
    });

    stopReporting.push(
      keepReporting(nc, ns, 'alpha', () =>
        healthyReport({
          equity: '1012.5',
          pnlToday: '12.5',
          pnlTotal: '12.5',
          tradesToday: 3,
          openPositions: 0,
          currency: 'USDT',
        }),
      ),
    );
    const ready = await waitForBot(c, ns, 'alpha', 'Ready', (b) => condition(b, 'Ready')?.status === 'True');
    expect(ready.status).toMatchObject({
      phase: 'Running',
      observedGeneration: 1,
      endpoint: `http://alpha-status.${ns}.svc:8080/`,
      equity: '1012.5',
      pnlToday: '12.5',
      tradesToday: 3,
    });
    for (const type of ['Ready', 'Progressing', 'Degraded', 'RiskHalted']) {
      const cond = condition(ready, type);
      expect(cond?.reason).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(cond?.message).not.toBe('');
      expect(cond?.observedGeneration).toBe(1);
    }
    await waitForEvent(c, ns, 'alpha', 'BotReady');
  });

  it('writes no status when nothing changed, however often the same report comes or the controller wakes', async () => {
    const before = await readBot(c, ns, 'alpha');
    const fixed = healthyReport({
      time: '2026-01-02T03:04:05Z',
      equity: '1012.5',
      pnlToday: '12.5',
      pnlTotal: '12.5',
      tradesToday: 3,
      openPositions: 0,
      currency: 'USDT',
    });
    // Replace the moving reporter with one that repeats the same report.
    for (const stop of stopReporting.splice(0)) stop();
    stopReporting.push(keepReporting(nc, ns, 'alpha', () => fixed));
    const settled = await waitForBot(
      c,
      ns,
      'alpha',
      'the fixed report folded in',
      (b) => b.status?.lastUpdateTime === fixed.time,
    );
    expect(before?.status?.lastUpdateTime).not.toBe(fixed.time);
    // Wake the controller with events that change nothing it renders or reports:
    // labels another writer puts on a child. Each reconcile finds nothing to write.
    const reconciles = () =>
      operator.logs.filter((l) => l.msg === 'reconciled' && l.key === `${ns}/alpha`).length;
    const reconcilesBefore = reconciles();
    for (let i = 0; i < 4; i++) {
      await c.apps.patchNamespacedDeployment(
        {
          name: 'alpha-feed',
          namespace: ns,
          body: { metadata: { labels: { 'example.com/poke': String(i) } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await eventually(
        async () => reconciles() >= reconcilesBefore + i + 1 || undefined,
        `reconcile ${i + 1}`,
      );
    }
    const after = await readBot(c, ns, 'alpha');
    expect(after?.metadata.resourceVersion).toBe(settled.metadata.resourceVersion);
  });

  it('rolls the pods when the spec changes', async () => {
    const before = await deploymentsOf(c, ns, 'alpha');
    const oldHash = configHash(before[0]);
    await mergePatch(c, ns, 'tradingbots', 'alpha', { spec: { timeframe: '5m' } });
    const after = await eventually(async () => {
      const list = await deploymentsOf(c, ns, 'alpha');
      return list.every((d) => configHash(d) !== oldHash) ? list : undefined;
    }, 'a new config hash on every deployment');
    const newHash = configHash(after[0]);
    const cm = await c.core.readNamespacedConfigMap({ name: 'alpha-config', namespace: ns });
    expect(JSON.parse(cm.data?.['config.json'] ?? '{}').timeframe).toBe('5m');
    // New pods, carrying the new hash, replace the old ones.
    await eventually(async () => {
      const pods = await runningPods('alpha');
      return pods.length === 4 && pods.every((p) => p.hash === newHash) ? pods : undefined;
    }, 'four running pods with the new config hash');
    const ready = await waitForBot(
      c,
      ns,
      'alpha',
      'Ready at generation 2',
      (b) => condition(b, 'Ready')?.status === 'True' && condition(b, 'Ready')?.observedGeneration === 2,
    );
    expect(ready.status?.observedGeneration).toBe(2);
    await waitForEvent(c, ns, 'alpha', 'ConfigChanged');
  });

  it('deletes the Deployment of a removed strategy', async () => {
    await mergePatch(c, ns, 'tradingbots', 'alpha', {
      spec: { strategies: [{ name: 'rsi-fast', type: 'rsi', rsi: { period: 7 } }] },
    });
    await eventually(async () => {
      const names = (await deploymentsOf(c, ns, 'alpha')).map((d) => d.metadata?.name);
      return names.includes('alpha-strategy-trend') ? undefined : names;
    }, 'alpha-strategy-trend deleted');
    expect((await deploymentsOf(c, ns, 'alpha')).map((d) => d.metadata?.name)).toEqual([
      'alpha-executor',
      'alpha-feed',
      'alpha-strategy-rsi-fast',
    ]);
    const event = await waitForEvent(c, ns, 'alpha', 'Pruned');
    expect(event.message).toContain('Deployment/alpha-strategy-trend');
    const bot = await waitForBot(
      c,
      ns,
      'alpha',
      'one strategy in status',
      (b) => b.status?.strategies?.length === 1,
    );
    expect(bot.status?.strategies?.[0]?.name).toBe('rsi-fast');
  });

  it('scales everything to zero on suspend, and back on resume', async () => {
    await mergePatch(c, ns, 'tradingbots', 'alpha', { spec: { suspend: true } });
    const suspended = await waitForBot(
      c,
      ns,
      'alpha',
      'Suspended',
      (b) => b.status?.phase === 'Suspended' && condition(b, 'Progressing')?.reason === 'Suspended',
    );
    expect(condition(suspended, 'Ready')).toMatchObject({ status: 'False', reason: 'Suspended' });
    for (const d of await deploymentsOf(c, ns, 'alpha')) expect(d.spec?.replicas).toBe(0);
    await eventually(
      async () => ((await runningPods('alpha')).length === 0 ? true : undefined),
      'no running pods',
    );
    await waitForEvent(c, ns, 'alpha', 'Suspended');

    await mergePatch(c, ns, 'tradingbots', 'alpha', { spec: { suspend: false } });
    await waitForBot(
      c,
      ns,
      'alpha',
      'Ready again',
      (b) => b.status?.phase === 'Running' && condition(b, 'Ready')?.status === 'True',
    );
    for (const d of await deploymentsOf(c, ns, 'alpha')) expect(d.spec?.replicas).toBe(1);
    await waitForEvent(c, ns, 'alpha', 'Resumed');
  });

  it('restores a child edited by hand', async () => {
    const [executor] = (await deploymentsOf(c, ns, 'alpha')).filter(
      (d) => d.metadata?.name === 'alpha-executor',
    );
    const image = executor?.spec?.template.spec?.containers[0]?.image;
    await c.apps.patchNamespacedDeployment(
      {
        name: 'alpha-executor',
        namespace: ns,
        body: {
          spec: {
            replicas: 3,
            template: { spec: { containers: [{ name: 'runtime', image: 'evil/image:1' }] } },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    await c.core.patchNamespacedConfigMap(
      { name: 'alpha-config', namespace: ns, body: { data: { 'config.json': '{"tampered":true}' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const restored = await eventually(async () => {
      const d = await c.apps.readNamespacedDeployment({ name: 'alpha-executor', namespace: ns });
      return d.spec?.replicas === 1 && d.spec.template.spec?.containers[0]?.image === image ? d : undefined;
    }, 'the executor deployment restored');
    expect(restored.spec?.template.spec?.containers[0]?.image).toBe(image);
    const cm = await eventually(async () => {
      const m: V1ConfigMap = await c.core.readNamespacedConfigMap({ name: 'alpha-config', namespace: ns });
      return m.data?.['config.json']?.includes('tampered') ? undefined : m;
    }, 'the config map restored');
    expect(JSON.parse(cm.data?.['config.json'] ?? '{}').bot.name).toBe('alpha');
    const event = await waitForEvent(c, ns, 'alpha', 'DriftCorrected');
    expect(event.type).toBe('Warning');
  });

  it('re-creates a child deleted by hand', async () => {
    const service = await c.core.readNamespacedService({ name: 'alpha-status', namespace: ns });
    const deployment = await c.apps.readNamespacedDeployment({ name: 'alpha-feed', namespace: ns });
    await c.core.deleteNamespacedService({ name: 'alpha-status', namespace: ns });
    await c.apps.deleteNamespacedDeployment({ name: 'alpha-feed', namespace: ns });
    const newService = await eventually(async () => {
      const s = await c.core.readNamespacedService({ name: 'alpha-status', namespace: ns });
      return s.metadata?.uid !== service.metadata?.uid ? s : undefined;
    }, 'the Service re-created');
    expect(newService.spec?.ports?.[0]?.port).toBe(8080);
    await eventually(async () => {
      const d = await c.apps.readNamespacedDeployment({ name: 'alpha-feed', namespace: ns });
      return d.metadata?.uid !== deployment.metadata?.uid ? d : undefined;
    }, 'the feed Deployment re-created');
    await waitForBot(c, ns, 'alpha', 'Ready again', (b) => condition(b, 'Ready')?.status === 'True');
  });

  it('wins against a conflicting writer of its fields, and keeps status right while others write the bot', async () => {
    // Another field manager claims replicas with server-side apply: refused without force...
    const other = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'alpha-feed', namespace: ns },
      spec: { replicas: 2 },
    };
    const { KubernetesObjectApi } = await import('@kubernetes/client-node');
    const objects = KubernetesObjectApi.makeApiClient(c.kc);
    await expect(
      objects.patch(other, undefined, undefined, 'someone-else', false, PatchStrategy.ServerSideApply),
    ).rejects.toMatchObject({ code: 409 });
    // ...and taken back by the operator when forced.
    await objects.patch(other, undefined, undefined, 'someone-else', true, PatchStrategy.ServerSideApply);
    await eventually(async () => {
      const d = await c.apps.readNamespacedDeployment({ name: 'alpha-feed', namespace: ns });
      return d.spec?.replicas === 1 ? d : undefined;
    }, 'replicas back to 1');

    // Meanwhile a writer keeps changing the bot's labels (every write moves resourceVersion),
    // so the operator's status writes conflict; it retries and lands the new report anyway.
    let writes = 0;
    let stopWriter = false;
    const writer = (async () => {
      while (!stopWriter) {
        await mergePatch(c, ns, 'tradingbots', 'alpha', {
          metadata: { labels: { churn: String(writes++) } },
        });
      }
    })();
    try {
      // The churn is under way before the new figures arrive.
      await eventually(async () => writes >= 3 || undefined, 'the other writer running');
      for (const stop of stopReporting.splice(0)) stop();
      stopReporting.push(
        keepReporting(nc, ns, 'alpha', () =>
          healthyReport({ equity: '999.25', pnlToday: '-0.75', currency: 'USDT' }),
        ),
      );
      const bot = await waitForBot(
        c,
        ns,
        'alpha',
        'the new equity despite conflicts',
        (b) => b.status?.equity === '999.25' && condition(b, 'Ready')?.status === 'True',
      );
      expect(bot.status?.pnlToday).toBe('-0.75');
    } finally {
      stopWriter = true;
      await writer;
    }
    // The bot's labels are the other writer's last word: the operator's status writes did not undo them.
    const final = await readBot(c, ns, 'alpha');
    expect(final?.metadata.labels?.churn).toBe(String(writes - 1));
  });

  it('keeps secrets out of its logs and events, and serves /healthz, /readyz and /metrics', async () => {
    const port = await operator.healthPort();
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(response.status).toBe(200);
    }
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(
      /botcore_operator_reconcile_total\{controller="tradingbot",result="success"\} [1-9]/,
    );
    expect(metrics).toMatch(/botcore_operator_tradingbots\{phase="Running"\} 1\b/);
    expect(metrics).toMatch(/botcore_operator_runtime_reports_total\{result="accepted"\} [1-9]/);
    expect(metrics).toMatch(
      /botcore_operator_child_applies_total\{kind="Deployment",result="drift_corrected"\} [1-9]/,
    );
    expect(metrics).toMatch(/botcore_operator_child_prunes_total\{kind="Deployment"\} 1\b/);
    // A live bot whose credentials Secret exists: the values reach pods only by reference.
    await c.core.createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: { name: 'creds' },
        stringData: { apiKey: 'AKIA-super-secret-key', apiSecret: 'shh-very-secret' },
      },
    });
    await createBot(
      c,
      ns,
      botManifest('live-one', {
        exchange: { name: 'binance', testnet: true, credentialsSecretRef: { name: 'creds' } },
        strategies: [{ name: 'rsi', type: 'rsi', rsi: {} }],
      }),
    );
    const executor = await eventually(async () => {
      const list = await deploymentsOf(c, ns, 'live-one');
      return list.find((d) => d.metadata?.name === 'live-one-executor');
    }, 'the live bot executor');
    const env = executor.spec?.template.spec?.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'BOTCORE_EXCHANGE_API_KEY')?.valueFrom?.secretKeyRef).toMatchObject({
      name: 'creds',
      key: 'apiKey',
    });
    const cm = await eventually(
      () => c.core.readNamespacedConfigMap({ name: 'live-one-config', namespace: ns }),
      'config map',
    );
    const everything = [
      operator.output(),
      JSON.stringify(cm.data),
      JSON.stringify(await eventsFor(c, ns, 'live-one')),
    ].join('\n');
    expect(everything).not.toContain('AKIA-super-secret-key');
    expect(everything).not.toContain('shh-very-secret');
    for (const line of operator.logs.slice(0, 50)) expect(typeof line.level).toBe('string');
    publishReport(nc, ns, 'live-one', healthyReport());
  });
});
