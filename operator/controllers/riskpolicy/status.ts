// Step: the policy's status from observation: which bots are bound, whether
// they are halted (by `spec.halt`, or by a breach the bots report), and the
// Ready and Halted conditions.
import type { RiskPolicy, RiskPolicyStatus, TradingBot } from '../../../crds/index.ts';
import { ConditionType, isTrue, setConditions, transitions } from '../../conditions.ts';
import { writeStatus } from '../status-writer.ts';
import { proceed, type Step } from '../step.ts';
import { boundBots, type PolicyContext } from './context.ts';

export function computePolicyStatus(
  policy: RiskPolicy,
  bound: readonly TradingBot[],
  now: number,
): RiskPolicyStatus {
  const names = bound.map((b) => b.metadata.name ?? '');
  const breached = bound.filter(
    (b) => isTrue(b.status?.conditions, ConditionType.riskHalted) && !policy.spec.halt,
  );
  const halted = policy.spec.halt || breached.length > 0;
  const generation = policy.metadata.generation;
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
    ...(policy.status?.lastBreach === undefined ? {} : { lastBreach: policy.status.lastBreach }),
  };
}

export const status: Step<PolicyContext> = {
  name: 'status',
  async run(ctx) {
    const { deps } = ctx;
    const result = await writeStatus(deps.client, 'riskpolicies', ctx.policy, (policy) =>
      computePolicyStatus(policy, boundBots(deps.bots, policy), deps.clock.now()),
    );
    if (result === undefined) return proceed;
    ctx.policy = result.object;
    if (result.written) {
      const before = result.before as RiskPolicyStatus | undefined;
      const after = result.after as RiskPolicyStatus;
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
    return proceed;
  },
};
