// Which child updates wake their bot. The controller-manager writes a
// Deployment's status many times per rollout (replica counts, conditions,
// timestamps); a bot's status reads only whether each Deployment is rolled
// out, past its progress deadline or scaled down, so only those flips (and
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
import { workloadState } from './status.ts';

/** The controller references moved (the child was adopted or orphaned). */
export const ownersChanged: UpdatePredicate = (object, old) =>
  old === undefined ||
  JSON.stringify(object.metadata?.ownerReferences ?? []) !==
    JSON.stringify(old.metadata?.ownerReferences ?? []);

/** What a bot's status reads of a Deployment: rolled out, failed, scaled down (for the replicas it asks for). */
function rollout(deployment: V1Deployment): string {
  const { rolledOut, failed, scaledDown } = workloadState('', deployment, deployment.spec?.replicas ?? 1);
  return `${rolledOut}/${failed}/${scaledDown}/${deployment.spec?.replicas}`;
}

/**
 * Rolled out, failed or scaled down flipped. The replica counts move several
 * times per rollout; only these flips change the bot's phase and conditions.
 */
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
