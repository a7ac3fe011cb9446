// The RiskPolicy controller: bound bots tracked in status, policy changes
// pushed to running bots over NATS without restarting them, `halt: true`
// fanned out to every bound bot (both statuses show it), and deletion held
// while live bots are bound.
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import {
  botManifest,
  type Clients,
  type ControlListener,
  clients,
  condition,
  createBot,
  createNamespace,
  createPolicy,
  deploymentsOf,
  executor,
  healthyReport,
  installCrds,
  keepReporting,
  mergePatch,
  natsConnection,
  type OperatorProcess,
  publishReport,
  readPolicy,
  removeNamespace,
  startOperatorProcess,
  waitForBot,
  waitForEvent,
} from './harness.ts';

let c: Clients;
let ns: string;
let operator: OperatorProcess;
let nc: NatsConnection;
const executors: Record<string, ControlListener> = {};
const stops: Array<() => void> = [];
const bots = ['bot-a', 'bot-b'];

beforeAll(async () => {
  c = clients();
  await installCrds(c.kc);
  ns = await createNamespace(c, 'op-risk');
  nc = await natsConnection();
  operator = startOperatorProcess({ namespace: ns });
  await operator.healthPort();
  for (const name of bots) {
    executors[name] = executor(nc, ns, name, { ok: true });
    stops.push(keepReporting(nc, ns, name, () => healthyReport()));
  }
  await nc.flush();
});

afterAll(async () => {
  for (const stop of stops) stop();
  for (const e of Object.values(executors)) e.stop();
  await operator?.stop();
  await nc?.drain();
  if (ns) await removeNamespace(c, ns);
});

const policyPushes = (bot: string) =>
  (executors[bot]?.received ?? []).filter((m) => m.command === 'apply-risk-policy') as Array<{
    policy: { generation: number; spec: Record<string, unknown> };
  }>;

describe('RiskPolicy controller', () => {
  it('tracks the bots bound to a policy', async () => {
    await createPolicy(c, ns, 'guard', { maxOpenPositions: 3 });
    for (const name of bots) {
      await createBot(
        c,
        ns,
        botManifest(name, {
          riskPolicyRef: { name: 'guard' },
          strategies: [{ name: 'rsi', type: 'rsi', rsi: {} }],
        }),
      );
    }
    for (const name of bots)
      await waitForBot(c, ns, name, 'Ready', (b) => condition(b, 'Ready')?.status === 'True');
    const policy = await eventually(async () => {
      const p = await readPolicy(c, ns, 'guard');
      return p?.status?.boundBots === 2 ? p : undefined;
    }, 'two bound bots in the policy status');
    expect(policy.status).toMatchObject({ bots: ['bot-a', 'bot-b'], halted: false, observedGeneration: 1 });
    expect(condition(policy, 'Ready')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(policy.metadata.finalizers).toContain('trading.botcore.dev/bound-bots');
    for (const name of bots) {
      expect(policyPushes(name).at(-1)?.policy.spec.maxOpenPositions).toBe(3);
    }
  });

  it('pushes a policy change to the running bots without restarting them', async () => {
    const before = await deploymentsOf(c, ns, 'bot-a');
    const podsBefore = (
      await c.core.listNamespacedPod({ namespace: ns, labelSelector: 'trading.botcore.dev/bot=bot-a' })
    ).items
      .map((p) => p.metadata?.name)
      .sort();
    await mergePatch(c, ns, 'riskpolicies', 'guard', { spec: { maxOpenPositions: 7 } });
    for (const name of bots) {
      await eventually(
        async () => (policyPushes(name).at(-1)?.policy.spec.maxOpenPositions === 7 ? true : undefined),
        `push to ${name}`,
      );
    }
    // The ConfigMap carries the new policy for pods that start later...
    await eventually(async () => {
      const cm = await c.core.readNamespacedConfigMap({ name: 'bot-a-config', namespace: ns });
      return JSON.parse(cm.data?.['risk-policy.json'] ?? 'null')?.spec?.maxOpenPositions === 7
        ? true
        : undefined;
    }, 'risk-policy.json updated');
    // ...but no Deployment changed its template, and the same pods run.
    const after = await deploymentsOf(c, ns, 'bot-a');
    expect(after.map((d) => [d.metadata?.name, d.metadata?.generation])).toEqual(
      before.map((d) => [d.metadata?.name, d.metadata?.generation]),
    );
    const podsAfter = (
      await c.core.listNamespacedPod({ namespace: ns, labelSelector: 'trading.botcore.dev/bot=bot-a' })
    ).items
      .map((p) => p.metadata?.name)
      .sort();
    expect(podsAfter).toEqual(podsBefore);
  });

  it('pushes again to an executor whose reports show it missed a change', async () => {
    const current = await readPolicy(c, ns, 'guard');
    const generation = current?.metadata.generation ?? 0;
    // bot-a's executor says it still applies the first version of the policy.
    for (const stop of stops.splice(0, 1)) stop();
    const before = policyPushes('bot-a').length;
    const lagging = keepReporting(nc, ns, 'bot-a', () =>
      healthyReport({ policy: { name: 'guard', generation: 1 } }),
    );
    try {
      const pushes = await eventually(async () => {
        const list = policyPushes('bot-a').slice(before);
        return list.length >= 2 ? list : undefined;
      }, 'the current policy pushed again, more than once while it lags');
      expect(pushes.every((p) => p.policy.generation === generation)).toBe(true);
    } finally {
      lagging();
    }
    // Back to an executor that reports the current policy (the other tests need bot-a Ready).
    stops.unshift(
      keepReporting(nc, ns, 'bot-a', () => healthyReport({ policy: { name: 'guard', generation } })),
    );
  });

  it('halts every bound bot on halt: true, shown in both resources, and resumes them', async () => {
    await mergePatch(c, ns, 'riskpolicies', 'guard', {
      spec: { halt: true, haltReason: 'exchange incident' },
    });
    for (const name of bots) {
      const bot = await waitForBot(
        c,
        ns,
        name,
        'RiskHalted',
        (b) => condition(b, 'RiskHalted')?.status === 'True',
      );
      expect(bot.status?.phase).toBe('Halted');
      expect(bot.status?.risk).toMatchObject({ state: 'Halted', reason: 'exchange incident' });
      expect(condition(bot, 'RiskHalted')).toMatchObject({ reason: 'PolicyHalted' });
      expect(condition(bot, 'RiskHalted')?.message).toContain('exchange incident');
      await eventually(
        async () => (policyPushes(name).at(-1)?.policy.spec.halt === true ? true : undefined),
        `halt pushed to ${name}`,
      );
      const event = await waitForEvent(c, ns, name, 'RiskHalted');
      expect(event.type).toBe('Warning');
    }
    const policy = await eventually(async () => {
      const p = await readPolicy(c, ns, 'guard');
      return p?.status?.halted === true ? p : undefined;
    }, 'the policy status halted');
    expect(condition(policy, 'Halted')).toMatchObject({
      status: 'True',
      reason: 'HaltRequested',
      message: 'exchange incident',
    });
    await waitForEvent(c, ns, 'guard', 'Halted');

    await mergePatch(c, ns, 'riskpolicies', 'guard', { spec: { halt: false, haltReason: null } });
    for (const name of bots) {
      const bot = await waitForBot(
        c,
        ns,
        name,
        'trading again',
        (b) => condition(b, 'RiskHalted')?.status === 'False',
      );
      expect(bot.status?.phase).toBe('Running');
      await waitForEvent(c, ns, name, 'RiskResumed');
    }
    await eventually(
      async () => ((await readPolicy(c, ns, 'guard'))?.status?.halted === false ? true : undefined),
      'policy not halted',
    );
  });

  it('shows the latest breach a bound bot reports in the policy status, with an event', async () => {
    const time = new Date(Date.now() - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    publishReport(
      nc,
      ns,
      'bot-b',
      healthyReport({ lastBreach: { rule: 'maxDailyLoss', time, message: 'daily loss 5.1 %' } }),
    );
    const policy = await eventually(async () => {
      const p = await readPolicy(c, ns, 'guard');
      return p?.status?.lastBreach?.time === time ? p : undefined;
    }, 'lastBreach in the policy status');
    expect(policy.status?.lastBreach).toEqual({
      bot: 'bot-b',
      rule: 'maxDailyLoss',
      time,
      message: 'daily loss 5.1 %',
    });
    const event = await waitForEvent(c, ns, 'guard', 'RiskBreach');
    expect(event.message).toBe('bot-b hit maxDailyLoss: daily loss 5.1 %');
  });

  it('refuses deletion while live bots are bound, with an event that says why, and allows it once they are not', async () => {
    await c.custom.deleteNamespacedCustomObject({
      group: 'trading.botcore.dev',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'riskpolicies',
      name: 'guard',
    });
    const event = await waitForEvent(c, ns, 'guard', 'DeletionBlocked');
    expect(event.type).toBe('Warning');
    expect(event.message).toContain('bot-a, bot-b');
    expect((await readPolicy(c, ns, 'guard'))?.metadata.deletionTimestamp).toBeDefined();

    // One bot stops (suspended), the other moves off the policy.
    await mergePatch(c, ns, 'tradingbots', 'bot-a', { spec: { suspend: true } });
    await eventually(
      async () => ((await readPolicy(c, ns, 'guard')) !== undefined ? true : undefined),
      'still there with bot-b bound',
    );
    await mergePatch(c, ns, 'tradingbots', 'bot-b', { spec: { riskPolicyRef: null } });
    await eventually(
      async () => ((await readPolicy(c, ns, 'guard')) === undefined ? true : undefined),
      'the policy deleted',
    );
    // The suspended bot says its policy is gone.
    const a = await waitForBot(
      c,
      ns,
      'bot-a',
      'RiskPolicyNotFound',
      (b) => condition(b, 'Ready')?.reason === 'RiskPolicyNotFound',
    );
    expect(a.status?.phase).toBe('Pending');
  });
});
