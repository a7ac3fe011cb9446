// Step 2: find the RiskPolicy, render every child, apply the ConfigMap.
import type { RiskPolicy } from '../../../crds/index.ts';
import { applyResult } from '../../metrics.ts';
import { renderChildren } from '../../render/children.ts';
import { proceed, type Step } from '../step.ts';
import type { BotContext } from './context.ts';

export const ensureConfig: Step<BotContext> = {
  name: 'ensure-config',
  async run(ctx) {
    const { bot, deps } = ctx;
    const ref = bot.spec.riskPolicyRef;
    let policy: RiskPolicy | undefined;
    if (ref !== undefined) {
      policy = deps.policies.get(ref.name, bot.metadata.namespace);
      if (policy === undefined) {
        // Without its policy a bot must not trade: leave the workloads alone, say why in status.
        ctx.policyMissing = true;
        return proceed;
      }
    }
    ctx.policy = policy;
    const desired = renderChildren(bot, policy, deps.settings);
    ctx.desired = desired;
    const configMap = desired.supporting.find((o) => o.kind === 'ConfigMap');
    if (configMap === undefined) throw new Error('rendering produced no ConfigMap');
    const name = configMap.metadata?.name ?? '';
    const live = deps.children.configMaps.get(name, bot.metadata.namespace);
    const result = await deps.client.applier.apply(configMap, live);
    deps.metrics?.applies.inc({ kind: 'ConfigMap', result: applyResult(result) });
    if (result.driftCorrected) {
      deps.events.event(
        bot,
        'Warning',
        'DriftCorrected',
        `ConfigMap/${name} was edited by hand; restored it`,
      );
    }
    return proceed;
  },
};
