// Writes a status computed from observation: nothing when it did not change,
// and on a conflict (someone wrote the object meanwhile) read it again,
// recompute, and try again.
import type { KubernetesObject } from '@kubernetes/client-node';
import { type ClusterClient, isConflict, type Plural } from '../kube.ts';
import { canonicalJson } from '../render/hash.ts';

export interface StatusWrite<T> {
  /** The object as written (or as read, when nothing changed). */
  readonly object: T;
  readonly written: boolean;
  readonly before: unknown;
  readonly after: unknown;
}

const maxAttempts = 5;

export async function writeStatus<T extends KubernetesObject & { status?: S }, S>(
  client: ClusterClient,
  plural: Plural,
  object: T,
  compute: (object: T) => S,
): Promise<StatusWrite<T> | undefined> {
  let current: T | undefined = object;
  for (let attempt = 1; current !== undefined; attempt++) {
    const before = current.status;
    const after = compute(current);
    if (canonicalJson(before ?? {}) === canonicalJson(after)) {
      return { object: current, written: false, before, after };
    }
    try {
      const written = await client.replaceStatus(plural, { ...current, status: after });
      return { object: written, written: true, before, after };
    } catch (error) {
      if (!isConflict(error) || attempt >= maxAttempts) throw error;
      const namespace: string = current.metadata?.namespace ?? '';
      const name: string = current.metadata?.name ?? '';
      current = await client.read<T>(plural, namespace, name);
    }
  }
  return undefined;
}
