// Work queue keys: `namespace/name` for namespaced objects, `name` for
// cluster-scoped ones (client-go's MetaNamespaceKeyFunc).
import type { KubernetesObject } from '@kubernetes/client-node';

export interface ObjectRef {
  readonly namespace: string | undefined;
  readonly name: string;
}

export function objectKey(object: KubernetesObject): string {
  const name = object.metadata?.name ?? '';
  const namespace = object.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

export function parseKey(key: string): ObjectRef {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: undefined, name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * Maps a child to the key of the object that controls it (its ownerReference
 * with `controller: true` of the given kind), so changes to pods, services or
 * config maps reconcile their TradingBot.
 */
export function controllerOwnerKey(ownerApiVersion: string, ownerKind: string) {
  return (child: KubernetesObject): string[] => {
    const owner = child.metadata?.ownerReferences?.find(
      (ref) => ref.controller === true && ref.kind === ownerKind && ref.apiVersion === ownerApiVersion,
    );
    if (owner === undefined) return [];
    const namespace = child.metadata?.namespace;
    return [namespace ? `${namespace}/${owner.name}` : owner.name];
  };
}
