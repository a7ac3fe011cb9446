import type { RiskPolicy, TradingBot } from '../../../crds/index.ts';
import type { RuntimeReport } from '../../../crds/runtime-config/index.ts';
import type { RuntimeBus } from '../../bus.ts';
import type { ClusterClient } from '../../kube.ts';
import type { OperatorMetrics } from '../../metrics.ts';
import type { ReceivedReport } from '../../reports.ts';
import type { Clock, EventRecorder, Logger } from '../../runtime/index.ts';
import type { Cache } from '../tradingbot/context.ts';

export interface RiskPolicyDeps {
  readonly client: ClusterClient;
  readonly bots: Cache<TradingBot>;
  readonly policies: Cache<RiskPolicy>;
  readonly events: EventRecorder;
  readonly bus: RuntimeBus;
  readonly clock: Clock;
  /** What was last pushed to each bot (`ns/bot` → policy uid/generation), so a push happens once per change. */
  readonly pushed: Map<string, string>;
  readonly metrics?: OperatorMetrics;
  /** The runtime reports, for the bots' last breaches. */
  readonly reports?: {
    get(key: string): ReceivedReport | undefined;
    /** The newest breach a bot reported, kept after later reports drop it. */
    lastBreach?(key: string): RuntimeReport['lastBreach'];
  };
}

export interface PolicyContext {
  readonly key: string;
  policy: RiskPolicy;
  readonly deps: RiskPolicyDeps;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** Bots in the namespace that refer to this policy. */
  bound: TradingBot[];
}

export const policyFinalizer = 'trading.botcore.dev/bound-bots';

/** The bots in the policy's namespace whose riskPolicyRef names it. */
export function boundBots(bots: Cache<TradingBot>, policy: RiskPolicy): TradingBot[] {
  return bots
    .list(policy.metadata.namespace)
    .filter(
      (b) =>
        b.metadata.namespace === policy.metadata.namespace &&
        b.spec.riskPolicyRef?.name === policy.metadata.name,
    )
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

/** A bound bot that still runs: not being deleted, not suspended. These keep a policy from being deleted. */
export function isLive(bot: TradingBot): boolean {
  return bot.metadata.deletionTimestamp === undefined && !bot.spec.suspend;
}
