// The operator crashing: killed in the middle of reconciling a new bot, a
// fresh process finishes the job; with two replicas, killing the leader
// hands the work to the other one. In both cases nothing is created twice
// and nothing that existed is deleted and re-created (UIDs stay).
import { CoordinationV1Api } from '@kubernetes/client-node';
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
  healthyReport,
  installCrds,
  keepReporting,
  mergePatch,
  natsConnection,
  type OperatorProcess,
  removeNamespace,
  startOperatorProcess,
  waitForBot,
  waitForEvent,
} from './harness.ts';

let c: Clients;
let ns: string;
let nc: NatsConnection;
const processes: OperatorProcess[] = [];
const stops: Array<() => void> = [];

beforeAll(async () => {
  c = clients();
  await installCrds(c.kc);
  ns = await createNamespace(c, 'op-fail');
  nc = await natsConnection();
});

afterAll(async () => {
  for (const stop of stops) stop();
  for (const p of processes) await p.stop();
  await nc?.drain();
  if (ns) await removeNamespace(c, ns);
});

function operator(args?: string[], identity?: string): OperatorProcess {
  const p = startOperatorProcess({
    namespace: ns,
    ...(args === undefined ? {} : { args }),
    ...(identity === undefined ? {} : { identity }),
  });
  processes.push(p);
  return p;
}

const manyStrategies = Array.from({ length: 8 }, (_, i) => ({
  name: `s${i}`,
  type: 'rsi',
  rsi: { period: 5 + i },
}));

/** Every child of a bot, as `Kind/name` → uid, read from the API server. */
async function children(bot: string): Promise<Map<string, string>> {
  const labelSelector = `trading.botcore.dev/bot=${bot}`;
  const out = new Map<string, string>();
  const add = (kind: string, items: Array<{ metadata?: { name?: string; uid?: string } }>) => {
    for (const item of items) out.set(`${kind}/${item.metadata?.name}`, item.metadata?.uid ?? '');
  };
  add('Deployment', (await c.apps.listNamespacedDeployment({ namespace: ns, labelSelector })).items);
  add('ConfigMap', (await c.core.listNamespacedConfigMap({ namespace: ns, labelSelector })).items);
  add('Service', (await c.core.listNamespacedService({ namespace: ns, labelSelector })).items);
  add('ServiceAccount', (await c.core.listNamespacedServiceAccount({ namespace: ns, labelSelector })).items);
  return out;
}

function expectedChildren(bot: string, strategies: string[]): string[] {
  return [
    `ConfigMap/${bot}-config`,
    `Deployment/${bot}-executor`,
    `Deployment/${bot}-feed`,
    ...strategies.map((s) => `Deployment/${bot}-strategy-${s}`),
    `Service/${bot}-status`,
    `ServiceAccount/${bot}-runtime`,
  ].sort();
}

describe('operator failures', () => {
  it('finishes a reconcile that a killed operator left half done, creating nothing twice', async () => {
    // A quota of three Deployments stops the first operator part-way through
    // the bot's ten, deterministically: it keeps retrying the fourth when killed.
    await c.core.createNamespacedResourceQuota({
      namespace: ns,
      body: { metadata: { name: 'three-deployments' }, spec: { hard: { 'count/deployments.apps': '3' } } },
    });
    const first = operator();
    await first.healthPort();
    await createBot(c, ns, botManifest('crash', { strategies: manyStrategies }));
    await eventually(
      async () =>
        first.logs.some(
          (l) => l.msg === 'reconcile failed; retrying with backoff' && l.key === `${ns}/crash`,
        ) || undefined,
      'the first operator stuck on the quota',
    );
    // Someone on call sees why: the bot is Degraded with the API server's words, and an event says so.
    const stuck = await waitForBot(
      c,
      ns,
      'crash',
      'Degraded by the quota',
      (b) => condition(b, 'Degraded')?.reason === 'ReconcileFailed',
    );
    expect(condition(stuck, 'Degraded')?.message).toContain('exceeded quota');
    await waitForEvent(c, ns, 'crash', 'ReconcileFailed');
    await first.kill();
    const afterKill = await children('crash');
    expect([...afterKill.keys()].filter((id) => id.startsWith('Deployment/'))).toHaveLength(3);
    expect(afterKill.has('ConfigMap/crash-config')).toBe(true);

    await c.core.deleteNamespacedResourceQuota({ name: 'three-deployments', namespace: ns });
    const second = operator();
    await second.healthPort();
    stops.push(keepReporting(nc, ns, 'crash', () => healthyReport()));
    await waitForBot(c, ns, 'crash', 'Ready', (b) => condition(b, 'Ready')?.status === 'True');
    const final = await children('crash');
    expect([...final.keys()].sort()).toEqual(
      expectedChildren(
        'crash',
        manyStrategies.map((s) => s.name),
      ),
    );
    // What the first process created is still the same object, not a second copy.
    for (const [id, uid] of afterKill) expect(final.get(id)).toBe(uid);
    await second.stop();
  });

  it('hands over to the standby replica when the leader is killed', async () => {
    const coordination = c.kc.makeApiClient(CoordinationV1Api);
    const election = [
      '--leader-election-namespace',
      ns,
      '--lease-name',
      'botcore-operator',
      '--lease-duration',
      '3s',
      '--renew-deadline',
      '2s',
      '--retry-period',
      '250ms',
    ];
    const replicas = [operator(election, 'replica-a'), operator(election, 'replica-b')];
    await Promise.all(replicas.map((r) => r.healthPort()));
    const holder = await eventually(async () => {
      const lease = await coordination.readNamespacedLease({ name: 'botcore-operator', namespace: ns });
      return lease.spec?.holderIdentity || undefined;
    }, 'a leader');
    const leader = holder === 'replica-a' ? replicas[0] : replicas[1];
    const standby = holder === 'replica-a' ? replicas[1] : replicas[0];
    if (leader === undefined || standby === undefined) throw new Error('two replicas expected');

    await createBot(c, ns, botManifest('ha', { strategies: [{ name: 'rsi', type: 'rsi', rsi: {} }] }));
    stops.push(keepReporting(nc, ns, 'ha', () => healthyReport()));
    await waitForBot(c, ns, 'ha', 'Ready', (b) => condition(b, 'Ready')?.status === 'True');
    const before = await children('ha');
    // The standby kept its hands off.
    expect(standby.logs.filter((l) => l.msg === 'reconciled')).toEqual([]);

    await leader.kill();
    // Work that arrives while nobody leads: a spec change and a new bot.
    await mergePatch(c, ns, 'tradingbots', 'ha', { spec: { timeframe: '15m' } });
    await createBot(c, ns, botManifest('ha-two', { strategies: [{ name: 'macd', type: 'macd', macd: {} }] }));
    stops.push(keepReporting(nc, ns, 'ha-two', () => healthyReport()));

    const newHolder = await eventually(
      async () => {
        const lease = await coordination.readNamespacedLease({ name: 'botcore-operator', namespace: ns });
        const current = lease.spec?.holderIdentity;
        return current && current !== holder ? current : undefined;
      },
      'the standby to take the lease',
      { timeoutMs: 20_000 },
    );
    expect(newHolder).toBe(holder === 'replica-a' ? 'replica-b' : 'replica-a');
    await waitForBot(
      c,
      ns,
      'ha',
      'generation 2 Ready',
      (b) => condition(b, 'Ready')?.status === 'True' && b.status?.observedGeneration === 2,
    );
    await waitForBot(c, ns, 'ha-two', 'Ready', (b) => condition(b, 'Ready')?.status === 'True');

    const after = await children('ha');
    expect([...after.keys()].sort()).toEqual(expectedChildren('ha', ['rsi']));
    for (const [id, uid] of before) expect(after.get(id)).toBe(uid);
    expect([...(await children('ha-two')).keys()].sort()).toEqual(expectedChildren('ha-two', ['macd']));
  });
});
