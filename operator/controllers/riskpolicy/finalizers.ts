// Step: a policy still bound to live bots cannot be deleted. The finalizer
// stays until every bound bot is unbound, suspended or deleted; a Warning
// event says which bots hold it.
import type { RiskPolicy } from '../../../crds/index.ts';
import { isConflict } from '../../kube.ts';
import { type ReconcileStep, Step } from '../../runtime/index.ts';
import { isLive, type PolicyContext, policyFinalizer } from './context.ts';

async function setFinalizer(ctx: PolicyContext, present: boolean): Promise<void> {
  let policy: RiskPolicy | undefined = ctx.policy;
  for (let attempt = 0; attempt < 3 && policy !== undefined; attempt++) {
    const finalizers = policy.metadata.finalizers ?? [];
    if (finalizers.includes(policyFinalizer) === present) {
      ctx.policy = policy;
      return;
    }
    const next = present ? [...finalizers, policyFinalizer] : finalizers.filter((f) => f !== policyFinalizer);
    try {
      ctx.policy = await ctx.deps.client.setFinalizers('riskpolicies', policy, next);
      return;
    } catch (error) {
      if (!isConflict(error)) throw error;
      policy = await ctx.deps.client.read<RiskPolicy>(
        'riskpolicies',
        policy.metadata.namespace ?? '',
        policy.metadata.name ?? '',
      );
    }
  }
  if (policy !== undefined) throw new Error('could not change the finalizer: the policy kept changing');
}

export const ensureFinalizer: ReconcileStep<PolicyContext> = {
  name: 'ensure-finalizer',
  async run(ctx) {
    await setFinalizer(ctx, true);
    return Step.continue;
  },
};

export const finalize: ReconcileStep<PolicyContext> = {
  name: 'finalize',
  async run(ctx) {
    if (!(ctx.policy.metadata.finalizers ?? []).includes(policyFinalizer)) return Step.stop();
    const live = ctx.bound.filter(isLive).map((b) => b.metadata.name ?? '');
    if (live.length > 0) {
      ctx.deps.events.event(
        ctx.policy,
        'Warning',
        'DeletionBlocked',
        `RiskPolicy is still bound to running bots: ${live.join(', ')}; deletion waits until they refer to another policy, are suspended, or are deleted`,
      );
      // Bot changes enqueue this policy too; the requeue is a safety net.
      return Step.stop(30_000);
    }
    await setFinalizer(ctx, false);
    return Step.stop();
  },
};
