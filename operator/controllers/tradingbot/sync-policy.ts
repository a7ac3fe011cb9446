// Step: make sure the executor applies the bot's current RiskPolicy. The
// RiskPolicy controller pushes every change at once; a push the executor
// missed (it was restarting, NATS was reconnecting) shows in its next report
// (`policy.generation` behind), and this step pushes again, at most every
// few seconds, without restarting anything.
import type { ControlRequest } from '../../../crds/runtime-config/index.ts';
import { subjectsFor } from '../../../crds/runtime-config/index.ts';
import { renderRiskPolicyDocument } from '../../render/runtime-config.ts';
import { type ReconcileStep, Step } from '../../runtime/index.ts';
import type { BotContext } from './context.ts';

export const repushAfterMs = 3000;

export const syncPolicy: ReconcileStep<BotContext> = {
  name: 'sync-policy',
  async run(ctx) {
    const { bot, deps, policy } = ctx;
    const reported = deps.reports.get(ctx.key)?.report.policy;
    if (policy === undefined || bot.spec.suspend || reported === undefined) return Step.continue;
    const generation = policy.metadata.generation ?? 0;
    if (reported.name === policy.metadata.name && reported.generation >= generation) return Step.continue;
    const now = deps.clock.now();
    const last = deps.policyPushes?.get(ctx.key);
    if (last !== undefined && last.generation === generation && now - last.at < repushAfterMs) {
      return Step.requeueAfter(last.at + repushAfterMs - now);
    }
    const request: ControlRequest = {
      command: 'apply-risk-policy',
      policy: renderRiskPolicyDocument(policy),
    };
    deps.bus.publish(subjectsFor(bot.metadata.namespace ?? '', bot.metadata.name ?? '').control, request);
    deps.policyPushes?.set(ctx.key, { generation, at: now });
    deps.metrics?.policyPushes.inc();
    ctx.log.info(
      { reported, generation },
      'the executor applies an older policy; pushed the current one again',
    );
    return Step.requeueAfter(repushAfterMs);
  },
};
