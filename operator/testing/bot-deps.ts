// TradingBot controller dependencies over a FakeCluster, for step tests.
import type { V1Deployment } from '@kubernetes/client-node';
import type { RiskPolicy, TradingBot } from '../../crds/index.ts';
import type { RuntimeBus } from '../bus.ts';
import type { BotContext, TradingBotDeps } from '../controllers/tradingbot/context.ts';
import type { ReceivedReport } from '../reports.ts';
import { FakeClock } from '../runtime/fake-clock.ts';
import { silentLogger } from '../runtime/index.ts';
import { FakeCluster, RecordingEvents } from './fake-cluster.ts';
import { testSettings } from './fixtures.ts';

export class FakeBus implements RuntimeBus {
  readonly published: Array<{ subject: string; payload: unknown }> = [];
  readonly requests: Array<{ subject: string; payload: unknown; timeoutMs: number }> = [];
  /** What a request answers: a body, or an Error to reject with. */
  answer: unknown = { ok: true };
  async request(subject: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    this.requests.push({ subject, payload, timeoutMs });
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
  publish(subject: string, payload: unknown): void {
    this.published.push({ subject, payload });
  }
  subscribe(): void {}
  async close(): Promise<void> {}
}

export interface BotHarness {
  readonly cluster: FakeCluster;
  readonly events: RecordingEvents;
  readonly bus: FakeBus;
  readonly clock: FakeClock;
  readonly reports: Map<string, ReceivedReport>;
  readonly deps: TradingBotDeps;
  context(bot: TradingBot): BotContext;
}

export function botHarness(): BotHarness {
  const cluster = new FakeCluster();
  const events = new RecordingEvents();
  const bus = new FakeBus();
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const reports = new Map<string, ReceivedReport>();
  const deps: TradingBotDeps = {
    client: cluster.client,
    bots: cluster.cache<TradingBot>('TradingBot'),
    policies: cluster.cache<RiskPolicy>('RiskPolicy'),
    children: {
      serviceAccounts: cluster.childCache('ServiceAccount'),
      configMaps: cluster.childCache('ConfigMap'),
      services: cluster.childCache('Service'),
      networkPolicies: cluster.childCache('NetworkPolicy'),
      deployments: cluster.childCache('Deployment'),
    },
    events,
    bus,
    reports: { get: (k) => reports.get(k) },
    settings: testSettings,
    clock,
    haltTimeoutMs: 30_000,
    haltRequestTimeoutMs: 5_000,
    reportStaleAfterMs: 60_000,
  };
  return {
    cluster,
    events,
    bus,
    clock,
    reports,
    deps,
    context: (bot) => ({
      key: `${bot.metadata.namespace}/${bot.metadata.name}`,
      bot,
      deps,
      log: silentLogger(),
      signal: new AbortController().signal,
      applied: new Map<string, V1Deployment>(),
    }),
  };
}

/** Marks every Deployment of the fake cluster as rolled out and available (what the controller-manager does). */
export function rollOut(cluster: FakeCluster): void {
  for (const object of [...cluster.objects.values()]) {
    if (object.kind !== 'Deployment') continue;
    const d = object as V1Deployment;
    const replicas = d.spec?.replicas ?? 1;
    cluster.put({
      ...d,
      status: {
        observedGeneration: d.metadata?.generation ?? 0,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
      },
    });
  }
}
