// What every TradingBot reconcile step sees.
import type {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1NetworkPolicy,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import type { RiskPolicy, TradingBot } from '../../../crds/index.ts';
import type { RuntimeBus } from '../../bus.ts';
import type { ClusterClient } from '../../kube.ts';
import type { OperatorMetrics } from '../../metrics.ts';
import type { DesiredChildren } from '../../render/children.ts';
import type { RenderSettings } from '../../render/settings.ts';
import type { ReceivedReport } from '../../reports.ts';
import type { Clock, EventRecorder, Logger } from '../../runtime/index.ts';

/** The part of an informer the steps read. */
export interface Cache<T extends KubernetesObject> {
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): ReadonlyArray<T>;
}

/** A child cache that also finds one bot's children without scanning the namespace. */
export interface ChildCache<T extends KubernetesObject> extends Cache<T> {
  /** The children labelled `trading.botcore.dev/bot=<bot>` in the namespace. */
  ofBot(namespace: string | undefined, bot: string): ReadonlyArray<T>;
}

export interface ChildCaches {
  readonly serviceAccounts: ChildCache<V1ServiceAccount>;
  readonly configMaps: ChildCache<V1ConfigMap>;
  readonly services: ChildCache<V1Service>;
  readonly networkPolicies: ChildCache<V1NetworkPolicy>;
  readonly deployments: ChildCache<V1Deployment>;
}

export interface TradingBotDeps {
  readonly client: ClusterClient;
  readonly bots: Cache<TradingBot>;
  readonly policies: Cache<RiskPolicy>;
  readonly children: ChildCaches;
  readonly events: EventRecorder;
  readonly bus: RuntimeBus;
  readonly reports: { get(key: string): ReceivedReport | undefined; delete?(key: string): void };
  readonly settings: RenderSettings;
  readonly clock: Clock;
  /** How long deletion waits for the executor to confirm halt-and-flatten. */
  readonly haltTimeoutMs: number;
  /** One halt-and-flatten request's timeout. */
  readonly haltRequestTimeoutMs: number;
  /** A report older than this does not count as the runtime being healthy. */
  readonly reportStaleAfterMs: number;
  readonly metrics?: OperatorMetrics;
  /** Re-pushes of the policy per bot (`ns/bot`), so they happen at most every few seconds. */
  readonly policyPushes?: Map<string, { generation: number; at: number }>;
}

export interface BotContext {
  readonly key: string;
  /** The bot as last read; steps that write it replace it with the server's answer. */
  bot: TradingBot;
  readonly deps: TradingBotDeps;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** Set by render. */
  policy?: RiskPolicy;
  policyMissing?: boolean;
  desired?: DesiredChildren;
  /** Deployments as the apply returned them (fresher than the cache). */
  readonly applied: Map<string, V1Deployment>;
}

export const botFinalizer = 'trading.botcore.dev/halt-and-flatten';
