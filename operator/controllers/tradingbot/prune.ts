// Step 4: delete children the bot no longer wants (a removed strategy, a
// disabled status endpoint). Only objects this bot controls are touched.
import type { KubernetesObject } from '@kubernetes/client-node';
import { childId } from '../../render/children.ts';
import { type ReconcileStep, Step } from '../../runtime/index.ts';
import type { BotContext, ChildCache } from './context.ts';

export function ownedBy(object: KubernetesObject, uid: string | undefined): boolean {
  return object.metadata?.ownerReferences?.some((ref) => ref.controller === true && ref.uid === uid) ?? false;
}

export const prune: ReconcileStep<BotContext> = {
  name: 'prune',
  async run(ctx) {
    const { bot, deps, desired } = ctx;
    if (desired === undefined) return Step.continue;
    const wanted = new Set(
      [...desired.supporting, ...desired.workloads.map((w) => w.deployment)].map(childId),
    );
    const name = bot.metadata.name ?? '';
    const kinds: Array<[string, ChildCache<KubernetesObject>]> = [
      ['Deployment', deps.children.deployments],
      ['Service', deps.children.services],
      ['NetworkPolicy', deps.children.networkPolicies],
      ['ConfigMap', deps.children.configMaps],
      ['ServiceAccount', deps.children.serviceAccounts],
    ];
    const deleted: string[] = [];
    for (const [kind, cache] of kinds) {
      for (const object of cache.ofBot(bot.metadata.namespace, name)) {
        if (!ownedBy(object, bot.metadata.uid)) continue;
        // Informer objects carry no kind; name it from the cache it came from.
        const typed = { ...object, kind, apiVersion: apiVersionOf(kind) };
        if (wanted.has(childId(typed)) || object.metadata?.deletionTimestamp !== undefined) continue;
        ctx.signal.throwIfAborted();
        await deps.client.delete(typed);
        deleted.push(childId(typed));
        deps.metrics?.prunes.inc({ kind });
      }
    }
    if (deleted.length > 0) {
      deps.events.event(bot, 'Normal', 'Pruned', `deleted ${deleted.join(', ')}: no longer in the spec`);
    }
    return Step.continue;
  },
};

function apiVersionOf(kind: string): string {
  if (kind === 'Deployment') return 'apps/v1';
  if (kind === 'NetworkPolicy') return 'networking.k8s.io/v1';
  return 'v1';
}
