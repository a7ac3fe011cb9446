// Wires the operator: one set of informers (TradingBots, RiskPolicies, and
// the children the operator labels as its own), the two controllers, the
// NATS bus, events, and the Manager (leader election, /healthz, /readyz,
// /metrics, ordered shutdown).

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1NetworkPolicy,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import type { RiskPolicy, TradingBot } from '../crds/index.ts';
import { statusSubjectWildcard } from '../crds/runtime-config/index.ts';
import { connectBus, disconnectedBus, type RuntimeBus } from './bus.ts';
import { deploymentShape, metadataOnly, withoutManagedFields } from './cache-shapes.ts';
import { indexByBot } from './children-by-bot.ts';
import { riskPolicyReconciler } from './controllers/riskpolicy/reconciler.ts';
import { deploymentChanged } from './controllers/tradingbot/child-predicates.ts';
import { tradingBotReconciler } from './controllers/tradingbot/reconciler.ts';
import { apiVersion, clusterClient, group, version } from './kube.ts';
import { operatorMetrics } from './metrics.ts';
import { managedSelector } from './render/labels.ts';
import type { RenderSettings } from './render/settings.ts';
import { BoundedTrigger, ReportStore } from './reports.ts';
import {
  anyOf,
  Controller,
  collectionPath,
  controllerOwnerKey,
  createLogger,
  customResourceListWatch,
  deletionStarted,
  generationChanged,
  KubernetesEventRecorder,
  KubernetesLeaseStore,
  type Logger,
  listWatch,
  Manager,
  objectKey,
  ResilientInformer,
  RestClient,
  realClock,
  restEventSink,
  restLeaseApi,
  type UpdatePredicate,
} from './runtime/index.ts';
import { loadRestConfig } from './runtime/kube-config.ts';

export interface OperatorOptions {
  /** A kubeconfig file; default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
  readonly kubeconfig?: string;
  /** Watch one namespace only; default all. */
  readonly watchNamespace?: string;
  readonly leaderElect: boolean;
  readonly leaderElectionNamespace: string;
  readonly leaseName: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  readonly identity?: string;
  readonly healthPort: number;
  readonly healthHost?: string;
  readonly natsUrl?: string;
  readonly redisUrl?: string;
  readonly mongodbUrl?: string;
  readonly runtimeImage: string;
  readonly runtimeHealthPort: number;
  /** Secret whose `keys` the executors' status endpoints verify tokens with (rendered as a reference). */
  readonly statusKeysSecret?: string;
  readonly haltTimeoutMs: number;
  readonly haltRequestTimeoutMs: number;
  readonly statusIntervalMs: number;
  readonly reportStaleAfterMs: number;
  readonly concurrency: number;
  readonly resyncPeriodMs: number;
  readonly logLevel: string;
  readonly logger?: Logger;
}

export interface RunningOperator {
  readonly manager: Manager;
  readonly healthPort: number | undefined;
  readonly identity: string;
  stop(): Promise<void>;
}

export async function startOperator(options: OperatorOptions): Promise<RunningOperator> {
  const rest = new RestClient(await loadRestConfig(options.kubeconfig));
  const identity = options.identity ?? `${hostname()}_${randomUUID().slice(0, 8)}`;
  const logger = options.logger ?? createLogger({ name: 'botcore-operator', level: options.logLevel });
  const log = logger.child({ identity });
  const clock = realClock;
  const ns = options.watchNamespace;

  const manager = new Manager({
    logger: log,
    health: {
      port: options.healthPort,
      ...(options.healthHost === undefined ? {} : { host: options.healthHost }),
    },
    leaderElection: options.leaderElect
      ? {
          identity,
          store: new KubernetesLeaseStore(
            restLeaseApi(rest),
            options.leaderElectionNamespace,
            options.leaseName,
          ),
          ...(options.leaseDurationMs === undefined ? {} : { leaseDurationMs: options.leaseDurationMs }),
          ...(options.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: options.renewDeadlineMs }),
          ...(options.retryPeriodMs === undefined ? {} : { retryPeriodMs: options.retryPeriodMs }),
        }
      : false,
  });
  const common = { logger: log, metrics: manager.metrics, resyncPeriodMs: options.resyncPeriodMs };
  const customInformer = <T extends KubernetesObject>(name: string, plural: string) =>
    new ResilientInformer<T>({
      name,
      ...common,
      source: customResourceListWatch<T>(rest, {
        group,
        version,
        plural,
        transform: withoutManagedFields,
        ...(ns === undefined ? {} : { namespace: ns }),
      }),
    });
  const bots = customInformer<TradingBot>('tradingbots', 'tradingbots');
  const policies = customInformer<RiskPolicy>('riskpolicies', 'riskpolicies');

  // The children the operator labels as its own, each cached in the shape its readers need.
  const childInformer = <T extends KubernetesObject>(
    name: string,
    childApiVersion: string,
    transform: (object: T) => T,
  ) =>
    new ResilientInformer<T>({
      name,
      ...common,
      source: listWatch<T>(rest, {
        path: collectionPath(childApiVersion, name, ns),
        labelSelector: managedSelector,
        transform,
      }),
    });
  const deployments = childInformer<V1Deployment>('deployments', 'apps/v1', deploymentShape);
  const configMaps = childInformer<V1ConfigMap>('configmaps', 'v1', metadataOnly);
  const services = childInformer<V1Service>('services', 'v1', metadataOnly);
  const serviceAccounts = childInformer<V1ServiceAccount>('serviceaccounts', 'v1', metadataOnly);
  const networkPolicies = childInformer<V1NetworkPolicy>(
    'networkpolicies',
    'networking.k8s.io/v1',
    metadataOnly,
  );

  const client = clusterClient(rest);
  const events = new KubernetesEventRecorder({
    sink: restEventSink(rest),
    component: 'botcore-operator',
    instance: identity,
    logger: log,
  });
  const bus: RuntimeBus =
    options.natsUrl === undefined ? disconnectedBus : await connectBus(options.natsUrl, log);
  if (options.natsUrl === undefined)
    log.warn('no NATS URL: no halt-and-flatten, policy pushes or runtime reports');

  let botController: Controller | undefined;
  let policyController: Controller | undefined;
  // A report wakes its bot (figures, health) and the bot's policy (its lastBreach).
  const trigger = new BoundedTrigger(options.statusIntervalMs, clock, (key) => {
    botController?.queue.add(key);
    const [namespace, name] = key.split('/');
    const ref = name === undefined ? undefined : bots.get(name, namespace)?.spec.riskPolicyRef;
    if (ref !== undefined) policyController?.queue.add(`${namespace}/${ref.name}`);
  });
  const metrics = operatorMetrics(manager.registry, () => bots.list());
  const reports = new ReportStore({
    clock,
    logger: log,
    onReport: (key) => trigger.trigger(key),
    counted: (result) => metrics.reports.inc({ result }),
    // A report that repeats the last one (but for its time) changes nothing the
    // bot's status shows but lastUpdateTime; the status step comes back when
    // the report would go stale anyway, so wake no more often than that.
    refreshMs: Math.max(options.statusIntervalMs, options.reportStaleAfterMs),
  });
  bus.subscribe(statusSubjectWildcard, (subject, body) => reports.receive(subject, body));

  const settings: RenderSettings = {
    runtimeImage: options.runtimeImage,
    natsUrl: options.natsUrl ?? 'nats://nats:4222',
    ...(options.redisUrl === undefined ? {} : { redisUrl: options.redisUrl }),
    ...(options.mongodbUrl === undefined ? {} : { mongodbUrl: options.mongodbUrl }),
    healthPort: options.runtimeHealthPort,
    ...(options.statusKeysSecret === undefined ? {} : { statusKeysSecret: options.statusKeysSecret }),
  };

  botController = new Controller({
    name: 'tradingbot',
    logger: log,
    metrics: manager.metrics,
    concurrency: options.concurrency,
    reconcile: tradingBotReconciler({
      client,
      bots,
      policies,
      children: {
        deployments: indexByBot(deployments),
        configMaps: indexByBot(configMaps),
        services: indexByBot(services),
        serviceAccounts: indexByBot(serviceAccounts),
        networkPolicies: indexByBot(networkPolicies),
      },
      events,
      bus,
      reports,
      settings,
      clock,
      haltTimeoutMs: options.haltTimeoutMs,
      haltRequestTimeoutMs: options.haltRequestTimeoutMs,
      reportStaleAfterMs: options.reportStaleAfterMs,
      metrics,
      policyPushes: new Map(),
    }),
  });
  const specOrDeletion = anyOf(generationChanged, deletionStarted) as UpdatePredicate<TradingBot>;
  botController.watch(bots, undefined, { updatePredicate: specOrDeletion });
  const botsOfPolicy = (policy: RiskPolicy): string[] =>
    bots
      .list(policy.metadata.namespace)
      .filter((b) => b.spec.riskPolicyRef?.name === policy.metadata.name)
      .map((b) => objectKey(b));
  botController.watch(policies, botsOfPolicy, {
    updatePredicate: generationChanged as UpdatePredicate<RiskPolicy>,
  });
  const owner = controllerOwnerKey(apiVersion, 'TradingBot');
  // Deployment status moves many times per rollout: wake the bot only when what its status reads moved.
  // A bot's own resync reconciles it once; its children's resyncs would only repeat that.
  botController.watch(deployments, owner, { updatePredicate: deploymentChanged, resync: false });
  // The other children have no status: any update is an edit.
  for (const informer of [configMaps, services, serviceAccounts, networkPolicies] as Array<
    ResilientInformer<KubernetesObject>
  >) {
    botController.watch(informer, owner, { resync: false });
  }

  policyController = new Controller({
    name: 'riskpolicy',
    logger: log,
    metrics: manager.metrics,
    concurrency: options.concurrency,
    reconcile: riskPolicyReconciler({
      client,
      bots,
      policies,
      events,
      bus,
      clock,
      pushed: new Map(),
      metrics,
      reports,
    }),
  });
  policyController.watch(policies, undefined, {
    updatePredicate: anyOf(generationChanged, deletionStarted) as UpdatePredicate<RiskPolicy>,
  });
  policyController.watch(bots, (bot: TradingBot) =>
    bot.spec.riskPolicyRef === undefined ? [] : [`${bot.metadata.namespace}/${bot.spec.riskPolicyRef.name}`],
  );

  manager.add(botController);
  manager.add(policyController);
  const { healthPort } = await manager.start();
  log.info(
    {
      healthPort,
      watchNamespace: ns ?? '(all)',
      leaderElection: options.leaderElect ? `${options.leaderElectionNamespace}/${options.leaseName}` : false,
    },
    'operator started',
  );
  let stopping: Promise<void> | undefined;
  return {
    manager,
    healthPort,
    identity,
    stop() {
      stopping ??= (async () => {
        await manager.stop();
        trigger.stop();
        await events.flush();
        await bus.close();
        rest.close();
      })();
      return stopping;
    },
  };
}
