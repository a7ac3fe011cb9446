// The operator's own Prometheus metrics, beside the controller runtime's
// (`botcore_operator_reconcile_*`, work queue, informers, leader): what the
// controllers do for bots, and how many bots are in each phase.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { TradingBot } from '../crds/index.ts';
import { botPhases } from '../crds/schema/tradingbot.ts';

export interface OperatorMetrics {
  /** Child applies by kind and outcome: created, updated, unchanged (skipped), drift_corrected. */
  readonly applies: Counter<'kind' | 'result'>;
  readonly prunes: Counter<'kind'>;
  /** Runtime reports received: accepted or invalid. */
  readonly reports: Counter<'result'>;
  /** Finalizer outcomes: confirmed, timeout, suspended. */
  readonly haltAndFlatten: Counter<'result'>;
  readonly policyPushes: Counter<never>;
}

export function operatorMetrics(registry: Registry, bots: () => ReadonlyArray<TradingBot>): OperatorMetrics {
  const registers = [registry];
  new Gauge({
    name: 'botcore_operator_tradingbots',
    help: 'TradingBots watched by this operator, by status.phase (Unknown before the first status write)',
    labelNames: ['phase'],
    registers,
    collect() {
      const counts = new Map<string, number>([...botPhases, 'Unknown'].map((p) => [p, 0]));
      for (const bot of bots()) {
        const phase = bot.status?.phase ?? 'Unknown';
        counts.set(phase, (counts.get(phase) ?? 0) + 1);
      }
      for (const [phase, count] of counts) this.set({ phase }, count);
    },
  });
  return {
    applies: new Counter({
      name: 'botcore_operator_child_applies_total',
      help: 'Server-side applies of bot children, by kind and result (created, updated, unchanged, drift_corrected)',
      labelNames: ['kind', 'result'],
      registers,
    }),
    prunes: new Counter({
      name: 'botcore_operator_child_prunes_total',
      help: 'Children deleted because the bot no longer wants them, by kind',
      labelNames: ['kind'],
      registers,
    }),
    reports: new Counter({
      name: 'botcore_operator_runtime_reports_total',
      help: 'Runtime reports received over NATS, by result (accepted, invalid)',
      labelNames: ['result'],
      registers,
    }),
    haltAndFlatten: new Counter({
      name: 'botcore_operator_halt_and_flatten_total',
      help: 'Bot deletions by finalizer outcome (confirmed, timeout, suspended)',
      labelNames: ['result'],
      registers,
    }),
    policyPushes: new Counter({
      name: 'botcore_operator_policy_pushes_total',
      help: 'RiskPolicy documents pushed to executors over NATS',
      registers,
    }),
  };
}

export function applyResult(result: { skipped: boolean; created: boolean; driftCorrected: boolean }): string {
  if (result.skipped) return 'unchanged';
  if (result.created) return 'created';
  return result.driftCorrected ? 'drift_corrected' : 'updated';
}
