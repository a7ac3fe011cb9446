// The operator's Prometheus metrics. They are registered once per registry
// (not on prom-client's global one, so tests and several managers in one
// process do not collide) and carry a `controller`, `informer` or `lease`
// label so each controller's figures stay apart.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const ReconcileResult = {
  success: 'success',
  error: 'error',
  requeueAfter: 'requeue_after',
  /** Aborted through its signal because the workers paused or stopped. */
  interrupted: 'interrupted',
} as const;
export type ReconcileResult = (typeof ReconcileResult)[keyof typeof ReconcileResult];

export interface RuntimeMetrics {
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly reconcileDuration: Histogram<'controller'>;
  readonly queueDepth: Gauge<'controller'>;
  readonly queueRetries: Counter<'controller'>;
  readonly queueWait: Histogram<'controller'>;
  readonly activeWorkers: Gauge<'controller'>;
  readonly informerRestarts: Counter<'informer'>;
  readonly informerSynced: Gauge<'informer'>;
  readonly isLeader: Gauge<'lease'>;
  readonly leaderTransitions: Counter<'lease'>;
  /** Makes scrapes read `depth()` for the controller's queue depth; returns an undo. */
  trackQueueDepth(controller: string, depth: () => number): () => void;
}

const byRegistry = new WeakMap<Registry, RuntimeMetrics>();

/** The runtime's metrics on `registry`, created on first use. */
export function runtimeMetrics(registry: Registry): RuntimeMetrics {
  const existing = byRegistry.get(registry);
  if (existing !== undefined) return existing;
  const registers = [registry];
  const depthSources = new Map<string, () => number>();
  const metrics: RuntimeMetrics = {
    reconcileTotal: new Counter({
      name: 'botcore_operator_reconcile_total',
      help: 'Reconciles finished, by controller and result (success, error, requeue_after, interrupted).',
      labelNames: ['controller', 'result'],
      registers,
    }),
    reconcileErrors: new Counter({
      name: 'botcore_operator_reconcile_errors_total',
      help: 'Reconciles that failed and were requeued with backoff.',
      labelNames: ['controller'],
      registers,
    }),
    reconcileDuration: new Histogram({
      name: 'botcore_operator_reconcile_duration_seconds',
      help: 'Time one reconcile took.',
      labelNames: ['controller'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'botcore_operator_workqueue_depth',
      help: 'Keys ready in the work queue and waiting for a worker.',
      labelNames: ['controller'],
      registers,
      collect() {
        for (const [controller, depth] of depthSources) this.set({ controller }, depth());
      },
    }),
    queueRetries: new Counter({
      name: 'botcore_operator_workqueue_retries_total',
      help: 'Keys re-added to the work queue with backoff.',
      labelNames: ['controller'],
      registers,
    }),
    queueWait: new Histogram({
      name: 'botcore_operator_workqueue_wait_seconds',
      help: 'How long a key waited in the work queue, ready, before a worker took it.',
      labelNames: ['controller'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
      registers,
    }),
    activeWorkers: new Gauge({
      name: 'botcore_operator_active_workers',
      help: 'Reconciles running right now.',
      labelNames: ['controller'],
      registers,
    }),
    informerRestarts: new Counter({
      name: 'botcore_operator_informer_restarts_total',
      help: 'Informer restarts after a watch or list error.',
      labelNames: ['informer'],
      registers,
    }),
    informerSynced: new Gauge({
      name: 'botcore_operator_informer_synced',
      help: '1 once the informer has listed and is watching, 0 before or while it restarts.',
      labelNames: ['informer'],
      registers,
    }),
    isLeader: new Gauge({
      name: 'botcore_operator_leader',
      help: '1 while this replica holds the leader lease, else 0.',
      labelNames: ['lease'],
      registers,
    }),
    leaderTransitions: new Counter({
      name: 'botcore_operator_leader_transitions_total',
      help: 'Times this replica started or stopped leading.',
      labelNames: ['lease'],
      registers,
    }),
    trackQueueDepth(controller, depth) {
      depthSources.set(controller, depth);
      return () => {
        if (depthSources.get(controller) === depth) depthSources.delete(controller);
      };
    },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
