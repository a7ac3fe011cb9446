// Which updates are worth a reconcile. Small, pure, named predicates over
// (new, old) pairs, as controller-runtime's: a controller that writes its own
// status should not reconcile again because of that write.
import type { KubernetesObject } from '@kubernetes/client-node';

export type UpdatePredicate<T extends KubernetesObject = KubernetesObject> = (
  object: T,
  old: T | undefined,
) => boolean;

/** The spec changed: metadata.generation moved (status and metadata writes do not move it). */
export const generationChanged: UpdatePredicate = (object, old) =>
  old === undefined || object.metadata?.generation !== old.metadata?.generation;

/** Labels were added, removed or changed. */
export const labelsChanged: UpdatePredicate = (object, old) =>
  old === undefined || !sameStringMap(object.metadata?.labels, old.metadata?.labels);

/** Annotations were added, removed or changed. */
export const annotationsChanged: UpdatePredicate = (object, old) =>
  old === undefined || !sameStringMap(object.metadata?.annotations, old.metadata?.annotations);

/** Deletion was requested (deletionTimestamp appeared): finalizers must run. */
export const deletionStarted: UpdatePredicate = (object, old) =>
  object.metadata?.deletionTimestamp !== undefined && old?.metadata?.deletionTimestamp === undefined;

/** Any of the predicates holds. */
export function anyOf<T extends KubernetesObject>(
  ...predicates: Array<UpdatePredicate<T>>
): UpdatePredicate<T> {
  return (object, old) => predicates.some((p) => p(object, old));
}

function sameStringMap(
  a: Record<string, string> | undefined,
  b: Record<string, string> | undefined,
): boolean {
  const left = Object.entries(a ?? {});
  if (left.length !== Object.keys(b ?? {}).length) return false;
  return left.every(([key, value]) => b?.[key] === value);
}
