// Step: push the policy to every live bound bot's executor over NATS, once
// per policy change, so limits (and `halt`) apply without restarting pods.
// The bot's ConfigMap carries the same document (risk-policy.json, outside
// the pod-template hash) for pods that start later.
import type { ControlRequest } from '../../../crds/runtime-config/index.ts';
import { subjectsFor } from '../../../crds/runtime-config/index.ts';
import { renderRiskPolicyDocument } from '../../render/runtime-config.ts';
import { type ReconcileStep, Step } from '../../runtime/index.ts';
import { isLive, type PolicyContext } from './context.ts';

export const pushPolicy: ReconcileStep<PolicyContext> = {
  name: 'push-policy',
  async run(ctx) {
    const { policy, deps } = ctx;
    const version = `${policy.metadata.uid}/${policy.metadata.generation}`;
    const request: ControlRequest = {
      command: 'apply-risk-policy',
      policy: renderRiskPolicyDocument(policy),
    };
    const pushed: string[] = [];
    for (const bot of ctx.bound.filter(isLive)) {
      const key = `${bot.metadata.namespace}/${bot.metadata.name}`;
      if (deps.pushed.get(key) === version) continue;
      deps.bus.publish(subjectsFor(bot.metadata.namespace ?? '', bot.metadata.name ?? '').control, request);
      deps.pushed.set(key, version);
      deps.metrics?.policyPushes.inc();
      pushed.push(bot.metadata.name ?? '');
    }
    if (pushed.length > 0)
      ctx.log.info({ bots: pushed, generation: policy.metadata.generation }, 'pushed the policy');
    return Step.continue;
  },
};
