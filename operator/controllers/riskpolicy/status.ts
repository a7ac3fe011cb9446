// Step: the policy's status from observation: which bots are bound, whether
// they are halted (by `spec.halt`, or by a breach the bots report), and the
// Ready and Halted conditions.
import type { RiskBreach, RiskPolicy, RiskPolicyStatus, TradingBot } from '../../../crds/index.ts';
import type { RuntimeReport } from '../../../crds/runtime-config/index.ts';
import { ConditionType, isTrue, setConditions, transitions } from '../../conditions.ts';
import { type ReconcileStep, Step } from '../../runtime/index.ts';
import { writeStatus } from '../status-writer.ts';
import { boundBots, type PolicyContext } from './context.ts';

/** The most recent breach: the newer of the stored one and those the bound bots report now. */
export function latestBreach(
  stored: RiskBreach | undefined,
  reported: ReadonlyArray<{ bot: string; breach: NonNullable<RuntimeReport['lastBreach']> }>,
): RiskBreach | undefined {
  let latest = stored;
  for (const { bot, breach } of reported) {
    if (latest === undefined || Date.parse(breach.time) > Date.parse(latest.time)) {
      latest = {
        bot,
        rule: breach.rule,
        time: breach.time,
        ...(breach.message === undefined ? {} : { message: breach.message }),
      };
    }
  }
  return latest;
}

export function computePolicyStatus(
  policy: RiskPolicy,
  bound: readonly TradingBot[],
  now: number,
  reportedBreaches: ReadonlyArray<{ bot: string; breach: NonNullable<RuntimeReport['lastBreach']> }> = [],
): RiskPolicyStatus {
  const names = bound.map((b) => b.metadata.name ?? '');
  const breached = bound.filter(
    (b) => isTrue(b.status?.conditions, ConditionType.riskHalted) && !policy.spec.halt,
  );
  const halted = policy.spec.halt || breached.length > 0;
  const generation = policy.metadata.generation;
  const lastBreach = latestBreach(policy.status?.lastBreach, reportedBreaches);
  const conditions = setConditions(
    policy.status?.conditions,
    [
      {
        type: ConditionType.ready,
        status: 'True',
        reason: 'Accepted',
        message: `bound to ${names.length} bot(s)`,
      },
      policy.spec.halt
        ? {
            type: ConditionType.halted,
            status: 'True',
            reason: 'HaltRequested',
            message: policy.spec.haltReason ?? 'spec.halt is true: every bound bot stops trading',
          }
        : breached.length > 0
          ? {
              type: ConditionType.halted,
              status: 'True',
              reason: 'RiskLimitBreached',
              message: `halted by the risk engine: ${breached.map((b) => b.metadata.name).join(', ')}`,
            }
          : {
              type: ConditionType.halted,
              status: 'False',
              reason: 'Trading',
              message: 'bound bots may trade',
            },
    ],
    generation,
    new Date(now),
  );
  return {
    ...(generation === undefined ? {} : { observedGeneration: generation }),
    conditions,
    boundBots: names.length,
    bots: names,
    halted,
    ...(lastBreach === undefined ? {} : { lastBreach }),
  };
}

function breaches(ctx: PolicyContext, policy: RiskPolicy) {
  const out: Array<{ bot: string; breach: NonNullable<RuntimeReport['lastBreach']> }> = [];
  for (const bot of boundBots(ctx.deps.bots, policy)) {
    const key = `${bot.metadata.namespace}/${bot.metadata.name}`;
    const reports = ctx.deps.reports;
    const breach = reports?.lastBreach?.(key) ?? reports?.get(key)?.report.lastBreach;
    if (breach !== undefined) out.push({ bot: bot.metadata.name ?? '', breach });
  }
  return out;
}

export const status: ReconcileStep<PolicyContext> = {
  name: 'status',
  async run(ctx) {
    const { deps } = ctx;
    const result = await writeStatus(deps.client, 'riskpolicies', ctx.policy, (policy) =>
      computePolicyStatus(policy, boundBots(deps.bots, policy), deps.clock.now(), breaches(ctx, policy)),
    );
    if (result === undefined) return Step.continue;
    ctx.policy = result.object;
    if (result.written) {
      const before = result.before as RiskPolicyStatus | undefined;
      const after = result.after as RiskPolicyStatus;
      const breach = after.lastBreach;
      if (breach !== undefined && breach.time !== before?.lastBreach?.time) {
        deps.events.event(
          ctx.policy,
          'Warning',
          'RiskBreach',
          `${breach.bot} hit ${breach.rule}${breach.message ? `: ${breach.message}` : ''}`,
        );
      }
      for (const t of transitions(before?.conditions, after.conditions ?? [])) {
        if (t.type !== ConditionType.halted) continue;
        if (t.to.status === 'True') {
          deps.events.event(
            ctx.policy,
            'Warning',
            'Halted',
            `${t.to.message}; bots: ${(after.bots ?? []).join(', ') || 'none'}`,
          );
        } else if (t.from === 'True') {
          deps.events.event(ctx.policy, 'Normal', 'Resumed', 'halt lifted: bound bots may trade again');
        }
      }
    }
    return Step.continue;
  },
};
