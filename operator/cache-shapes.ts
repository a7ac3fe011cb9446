// What the operator's informers keep of each object. The caches hold every
// bot and child in the watched namespaces, so they keep only what the
// controllers read: never `metadata.managedFields` (often half an object),
// and of the children no more than the applier, prune and status read.
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { withoutManagedFields } from './runtime/rest-list-watch.ts';

export { withoutManagedFields };

/**
 * A child the operator only applies and prunes (ConfigMap, ServiceAccount,
 * Service, NetworkPolicy): the applier compares the hash annotation, labels,
 * annotations, generation and resourceVersion; prune reads labels and owners.
 */
export function metadataOnly<T extends KubernetesObject>(object: T): T {
  const { metadata } = withoutManagedFields(object);
  return { apiVersion: object.apiVersion, kind: object.kind, metadata } as T;
}

/**
 * A Deployment: besides its metadata, the replicas and the config-hash
 * annotation of its pod template (a changed hash is a rollout), and its
 * status (rolled out, available, failed). The pod template itself, most of
 * the object, stays out.
 */
export function deploymentShape(deployment: V1Deployment): V1Deployment {
  const annotations = deployment.spec?.template?.metadata?.annotations;
  return {
    ...metadataOnly(deployment),
    spec: {
      ...(deployment.spec?.replicas === undefined ? {} : { replicas: deployment.spec.replicas }),
      selector: deployment.spec?.selector ?? {},
      template: annotations === undefined ? {} : { metadata: { annotations } },
    },
    ...(deployment.status === undefined ? {} : { status: deployment.status }),
  };
}
