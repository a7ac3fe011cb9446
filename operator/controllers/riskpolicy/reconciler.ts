// The RiskPolicy reconcile: finalizer, push to bound bots, status; or, once
// deletion started, wait for the bound bots to go.

import { statusCode } from '../../kube.ts';
import { parseKey, type Reconciler, type ReconcileStep, runSteps } from '../../runtime/index.ts';
import { boundBots, type PolicyContext, type RiskPolicyDeps } from './context.ts';
import { ensureFinalizer, finalize } from './finalizers.ts';
import { pushPolicy } from './push.ts';
import { status } from './status.ts';

export const reconcileSteps: ReadonlyArray<ReconcileStep<PolicyContext>> = [
  ensureFinalizer,
  pushPolicy,
  status,
];
export const deletionSteps: ReadonlyArray<ReconcileStep<PolicyContext>> = [finalize];

export function riskPolicyReconciler(deps: RiskPolicyDeps): Reconciler {
  return async (key, { log, signal }) => {
    const { namespace, name } = parseKey(key);
    const policy = deps.policies.get(name, namespace);
    if (policy === undefined) return undefined;
    const ctx: PolicyContext = { key, policy, deps, log, signal, bound: boundBots(deps.bots, policy) };
    try {
      return await runSteps(
        policy.metadata.deletionTimestamp === undefined ? reconcileSteps : deletionSteps,
        ctx,
      );
    } catch (error) {
      // The cache was behind: the policy is already gone. Nothing to do.
      if (
        statusCode(error) === 404 &&
        (await deps.client.read('riskpolicies', namespace ?? '', name)) === undefined
      ) {
        return undefined;
      }
      throw error;
    }
  };
}
