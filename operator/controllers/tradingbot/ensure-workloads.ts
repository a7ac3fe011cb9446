// Step 3: the ServiceAccount, Service, NetworkPolicy and one Deployment per
// role, applied in that order (the pods need their account first).
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { applyResult } from '../../metrics.ts';
import { annotationKeys } from '../../render/labels.ts';
import { proceed, type Step } from '../step.ts';
import type { BotContext, Cache } from './context.ts';

export const ensureWorkloads: Step<BotContext> = {
  name: 'ensure-workloads',
  async run(ctx) {
    const { bot, deps, desired } = ctx;
    if (desired === undefined) return proceed;
    const namespace = bot.metadata.namespace;
    const caches: Record<string, Cache<KubernetesObject>> = {
      ServiceAccount: deps.children.serviceAccounts,
      Service: deps.children.services,
      NetworkPolicy: deps.children.networkPolicies,
    };
    const created: string[] = [];
    const corrected: string[] = [];
    for (const object of desired.supporting) {
      // A replica that stopped leading stops writing between objects, not only between steps.
      ctx.signal.throwIfAborted();
      const cache = caches[object.kind ?? ''];
      if (cache === undefined) continue; // the ConfigMap: ensure-config's
      const name = object.metadata?.name ?? '';
      const result = await deps.client.applier.apply(object, cache.get(name, namespace));
      deps.metrics?.applies.inc({ kind: object.kind ?? '', result: applyResult(result) });
      if (result.created) created.push(`${object.kind}/${name}`);
      if (result.driftCorrected) corrected.push(`${object.kind}/${name}`);
    }
    let rolled = 0;
    for (const { deployment } of desired.workloads) {
      ctx.signal.throwIfAborted();
      const name = deployment.metadata?.name ?? '';
      const live = deps.children.deployments.get(name, namespace);
      const result = await deps.client.applier.apply<V1Deployment>(deployment, live);
      ctx.applied.set(name, result.object);
      deps.metrics?.applies.inc({ kind: 'Deployment', result: applyResult(result) });
      if (result.created) created.push(`Deployment/${name}`);
      if (result.driftCorrected) corrected.push(`Deployment/${name}`);
      const liveHash = live?.spec?.template.metadata?.annotations?.[annotationKeys.configHash];
      if (live !== undefined && liveHash !== undefined && liveHash !== desired.configHash) rolled++;
    }
    if (created.length > 0) deps.events.event(bot, 'Normal', 'Created', `created ${created.join(', ')}`);
    if (corrected.length > 0) {
      deps.events.event(bot, 'Warning', 'DriftCorrected', `${corrected.join(', ')} edited by hand; restored`);
    }
    if (rolled > 0) {
      deps.events.event(
        bot,
        'Normal',
        'ConfigChanged',
        `runtime configuration changed (${desired.configHash}); rolling ${rolled} deployments`,
      );
    }
    return proceed;
  },
};
