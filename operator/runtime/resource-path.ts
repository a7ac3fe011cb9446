// The URL path of an object or collection, from apiVersion and kind, without
// discovery: the resource name is guessed as the API machinery itself does
// for kinds without an irregular plural (Kubernetes' UnsafeGuessKindToResource),
// which holds for every kind the operator touches.
import type { KubernetesObject } from '@kubernetes/client-node';

export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The object's own path (`.../namespaces/<ns>/<plural>/<name>`); cluster-scoped without a namespace. */
export function objectPath(object: KubernetesObject, plural = pluralOf(object.kind ?? '')): string {
  const { namespace, name = '' } = object.metadata ?? {};
  return `${collectionPath(object.apiVersion ?? '', plural, namespace)}/${encodeURIComponent(name)}`;
}

export function collectionPath(apiVersion: string, plural: string, namespace?: string): string {
  const scope = namespace === undefined || namespace === '' ? '' : `/namespaces/${namespace}`;
  return `${groupVersionPath(apiVersion)}${scope}/${plural}`;
}
