// Which child updates wake their bot. The controller-manager writes a
// Deployment's status many times per rollout (replica counts, conditions,
// timestamps); a bot's status reads only whether each Deployment is rolled
// out, available or past its progress deadline, so only those moves (and
// spec, metadata or owner edits, which the applier may have to put back)
// are worth a reconcile.
import type { V1Deployment } from '@kubernetes/client-node';
import {
  annotationsChanged,
  anyOf,
  deletionStarted,
  generationChanged,
  labelsChanged,
  type UpdatePredicate,
} from '../../runtime/index.ts';

/** The controller references moved (the child was adopted or orphaned). */
export const ownersChanged: UpdatePredicate = (object, old) =>
  old === undefined ||
  JSON.stringify(object.metadata?.ownerReferences ?? []) !==
    JSON.stringify(old.metadata?.ownerReferences ?? []);

/** The part of a Deployment's status that `workloadState` reads. */
function rollout(deployment: V1Deployment): string {
  const s = deployment.status ?? {};
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  return [
    s.observedGeneration,
    s.replicas,
    s.updatedReplicas,
    s.availableReplicas,
    progressing?.status,
    progressing?.reason,
  ].join('/');
}

/** Rolled out, available or failed changed: what the bot's Ready and Degraded depend on. */
export const rolloutChanged: UpdatePredicate<V1Deployment> = (object, old) =>
  old === undefined || rollout(object) !== rollout(old);

/** Any child: its spec (generation), labels, annotations or owners moved, or deletion started. */
export const childEdited: UpdatePredicate = anyOf(
  generationChanged,
  labelsChanged,
  annotationsChanged,
  ownersChanged,
  deletionStarted,
);

/** A Deployment: edited, or its rollout moved. */
export const deploymentChanged: UpdatePredicate<V1Deployment> = anyOf<V1Deployment>(
  childEdited as UpdatePredicate<V1Deployment>,
  rolloutChanged,
);
