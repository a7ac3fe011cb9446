// Step 3: the ConfigMap, ServiceAccount, Service and NetworkPolicy, then one
// Deployment per role (the pods need their account and config first).
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { applyResult } from '../../metrics.ts';
import { annotationKeys } from '../../render/labels.ts';
import { type ReconcileStep, Step } from '../../runtime/index.ts';
import type { BotContext, Cache } from './context.ts';

export const ensureWorkloads: ReconcileStep<BotContext> = {
  name: 'ensure-workloads',
  async run(ctx) {
    const { bot, deps, desired } = ctx;
    if (desired === undefined) return Step.continue;
    const namespace = bot.metadata.namespace;
    const caches: Record<string, Cache<KubernetesObject>> = {
      ConfigMap: deps.children.configMaps,
      ServiceAccount: deps.children.serviceAccounts,
      Service: deps.children.services,
      NetworkPolicy: deps.children.networkPolicies,
    };
    const created: string[] = [];
    const corrected: string[] = [];
    // Two waves, each applied in parallel (one round trip per wave, not per object):
    // what the pods need first, then the Deployments. A replica that stopped
    // leading stops before each wave, not only between steps.
    ctx.signal.throwIfAborted();
    await Promise.all(
      desired.supporting.map(async (object) => {
        const cache = caches[object.kind ?? ''];
        if (cache === undefined) throw new Error(`rendering produced an unexpected ${object.kind}`);
        const name = object.metadata?.name ?? '';
        const result = await deps.client.applier.apply(object, cache.get(name, namespace));
        deps.metrics?.applies.inc({ kind: object.kind ?? '', result: applyResult(result) });
        if (result.created) created.push(`${object.kind}/${name}`);
        if (result.driftCorrected) corrected.push(`${object.kind}/${name}`);
      }),
    );
    ctx.signal.throwIfAborted();
    const rolled = await Promise.all(
      desired.workloads.map(async ({ deployment }) => {
        const name = deployment.metadata?.name ?? '';
        const live = deps.children.deployments.get(name, namespace);
        const result = await deps.client.applier.apply<V1Deployment>(deployment, live);
        ctx.applied.set(name, result.object);
        deps.metrics?.applies.inc({ kind: 'Deployment', result: applyResult(result) });
        if (result.created) created.push(`Deployment/${name}`);
        if (result.driftCorrected) corrected.push(`Deployment/${name}`);
        const liveHash = live?.spec?.template.metadata?.annotations?.[annotationKeys.configHash];
        return live !== undefined && liveHash !== undefined && liveHash !== desired.configHash;
      }),
    ).then((changed) => changed.filter(Boolean).length);
    // Parallel applies finish in any order; events list the objects in render order.
    const order = [...desired.supporting, ...desired.workloads.map((w) => w.deployment)].map(
      (o) => `${o.kind}/${o.metadata?.name}`,
    );
    const byOrder = (a: string, b: string) => order.indexOf(a) - order.indexOf(b);
    created.sort(byOrder);
    corrected.sort(byOrder);
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
    return Step.continue;
  },
};
