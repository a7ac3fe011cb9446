// The operator's small controller runtime: what controllers import.
export { type ApplyOptions, applyBody, defaultFieldManager, ServerSideApplier } from './apply.ts';
export { type Clock, realClock, type TimerHandle } from './clock.ts';
export {
  Controller,
  type ControllerOptions,
  type ReconcileContext,
  type ReconcileOutcome,
  type Reconciler,
  type WatchOptions,
} from './controller.ts';
export {
  coreV1EventSink,
  type EventRecorder,
  type EventRecorderOptions,
  type EventSink,
  type EventType,
  KubernetesEventRecorder,
  restEventSink,
} from './events.ts';
export { type HealthCheck, HealthServer, type HealthServerOptions } from './health-server.ts';
export {
  type CustomResourceSpec,
  customResourceListWatch,
  type InformerHandlers,
  type InformerSource,
  type ListWatchSpec,
  listWatch,
  ResilientInformer,
  type ResilientInformerOptions,
} from './informer.ts';
export { controllerOwnerKey, type ObjectRef, objectKey, parseKey } from './keys.ts';
export { inCluster, loadRestConfig, type RestConfig } from './kube-config.ts';
export { LeaderElector, type LeaderElectorOptions } from './leader-election.ts';
export {
  InMemoryLeaseStore,
  KubernetesLeaseStore,
  type LeaseApi,
  LeaseConflictError,
  type LeaseRecord,
  type LeaseStore,
  leaseStoreFor,
  restLeaseApi,
} from './lease-store.ts';
export { createLogger, type Logger, redactSecrets, silentLogger } from './logger.ts';
export { type LeaderElectionSettings, Manager, type ManagerOptions } from './manager.ts';
export { ReconcileResult, type RuntimeMetrics, runtimeMetrics } from './metrics.ts';
export {
  annotationsChanged,
  anyOf,
  deletionStarted,
  generationChanged,
  labelsChanged,
  type UpdatePredicate,
} from './predicates.ts';
export type { BackoffOptions, TokenBucketOptions } from './rate-limit.ts';
export { collectionPath, objectPath, pluralOf } from './resource-path.ts';
export {
  ContentType,
  KubeApiError,
  type Query,
  RestClient,
  statusOf,
  type WatchEvent,
} from './rest-client.ts';
export { RestListWatch, type RestListWatchSpec, withoutManagedFields } from './rest-list-watch.ts';
export { installShutdown, type ShutdownHandle, type ShutdownStep } from './shutdown.ts';
export { type ReconcileStep, runSteps, Step, StepError, type StepResult } from './steps.ts';
export { WorkQueue, type WorkQueueOptions } from './work-queue.ts';
