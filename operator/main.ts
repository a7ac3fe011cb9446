// Wires the operator: one set of informers (TradingBots, RiskPolicies, and
// the children the operator labels as its own), the two controllers, the
// NATS bus, events, and the Manager (leader election, /healthz, /readyz,
// /metrics, ordered shutdown).

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  NetworkingV1Api,
  type V1ConfigMap,
  type V1Deployment,
  type V1NetworkPolicy,
  type V1Service,
  type V1ServiceAccount,
} from '@kubernetes/client-node';
import type { RiskPolicy, TradingBot } from '../crds/index.ts';
import { statusSubjectWildcard } from '../crds/runtime-config/index.ts';
import { connectBus, disconnectedBus, type RuntimeBus } from './bus.ts';
import { riskPolicyReconciler } from './controllers/riskpolicy/reconciler.ts';
import { tradingBotReconciler } from './controllers/tradingbot/reconciler.ts';
import { apiVersion, clusterClient, group, version } from './kube.ts';
import { operatorMetrics } from './metrics.ts';
import { managedSelector } from './render/labels.ts';
import type { RenderSettings } from './render/settings.ts';
import { BoundedTrigger, ReportStore } from './reports.ts';
import {
  anyOf,
  Controller,
  controllerOwnerKey,
  coreV1EventSink,
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
  realClock,
  type UpdatePredicate,
} from './runtime/index.ts';

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

export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (path !== undefined) kc.loadFromFile(path);
  else kc.loadFromDefault(); // KUBECONFIG, ~/.kube/config, then in-cluster
  return kc;
}

export async function startOperator(options: OperatorOptions): Promise<RunningOperator> {
  const kc = loadKubeConfig(options.kubeconfig);
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
            kc.makeApiClient(CoordinationV1Api),
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
      source: customResourceListWatch<T>(kc, {
        group,
        version,
        plural,
        ...(ns === undefined ? {} : { namespace: ns }),
      }),
    });
  const bots = customInformer<TradingBot>('tradingbots', 'tradingbots');
  const policies = customInformer<RiskPolicy>('riskpolicies', 'riskpolicies');

  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const labelSelector = managedSelector;
  const childInformer = <T extends KubernetesObject>(
    name: string,
    collection: string,
    listAll: () => Promise<{ items: T[] }>,
    listIn: (namespace: string) => Promise<{ items: T[] }>,
  ) => {
    const path = ns === undefined ? `${collection}/${name}` : `${collection}/namespaces/${ns}/${name}`;
    return new ResilientInformer<T>({
      name,
      ...common,
      source: listWatch<T>(kc, {
        path,
        labelSelector,
        list: (() => (ns === undefined ? listAll() : listIn(ns))) as never,
      }),
    });
  };
  const deployments = childInformer<V1Deployment>(
    'deployments',
    '/apis/apps/v1',
    () => apps.listDeploymentForAllNamespaces({ labelSelector }),
    (namespace) => apps.listNamespacedDeployment({ namespace, labelSelector }),
  );
  const configMaps = childInformer<V1ConfigMap>(
    'configmaps',
    '/api/v1',
    () => core.listConfigMapForAllNamespaces({ labelSelector }),
    (namespace) => core.listNamespacedConfigMap({ namespace, labelSelector }),
  );
  const services = childInformer<V1Service>(
    'services',
    '/api/v1',
    () => core.listServiceForAllNamespaces({ labelSelector }),
    (namespace) => core.listNamespacedService({ namespace, labelSelector }),
  );
  const serviceAccounts = childInformer<V1ServiceAccount>(
    'serviceaccounts',
    '/api/v1',
    () => core.listServiceAccountForAllNamespaces({ labelSelector }),
    (namespace) => core.listNamespacedServiceAccount({ namespace, labelSelector }),
  );
  const networkPolicies = childInformer<V1NetworkPolicy>(
    'networkpolicies',
    '/apis/networking.k8s.io/v1',
    () => networking.listNetworkPolicyForAllNamespaces({ labelSelector }),
    (namespace) => networking.listNamespacedNetworkPolicy({ namespace, labelSelector }),
  );

  const client = clusterClient(kc);
  const events = new KubernetesEventRecorder({
    sink: coreV1EventSink(core),
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
    refreshMs: Math.max(options.statusIntervalMs, options.reportStaleAfterMs / 4),
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
      children: { deployments, configMaps, services, serviceAccounts, networkPolicies },
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
  for (const informer of [deployments, configMaps, services, serviceAccounts, networkPolicies] as Array<
    ResilientInformer<KubernetesObject>
  >) {
    botController.watch(informer, owner);
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
      })();
      return stopping;
    },
  };
}
