// Read your own writes. The informer's copy of an object lags the operator's
// own writes to it (a finalizer, a status) by a watch event; a reconcile that
// starts from the older copy patches a finalizer that is already there, or
// writes a status the server already has, and the write fails with 409 and is
// retried on a fresh read: two round trips wasted (834 of them in a
// 1,000-bot run, when the children's events reconciled a bot again at once).
import type { KubernetesObject } from '@kubernetes/client-node';
import { withoutManagedFields } from '../runtime/index.ts';

/** The resourceVersion as a number where it is one (etcd revisions are); undefined otherwise. */
function revision(object: KubernetesObject): bigint | undefined {
  const version = object.metadata?.resourceVersion;
  return version !== undefined && /^\d+$/.test(version) ? BigInt(version) : undefined;
}

export class OwnWrites<T extends KubernetesObject> {
  /** By key: what our last write of the object returned, until the cache has caught up. */
  readonly #written = new Map<string, T>();

  /** Records what a write returned (without its managedFields, which no step reads). */
  remember(key: string, object: T): void {
    this.#written.set(key, withoutManagedFields(object));
  }

  /**
   * The cached object, or the one our own last write returned when that is
   * newer (same object, later resourceVersion). Once the cache has caught up,
   * the remembered one is dropped.
   */
  fresher(key: string, cached: T | undefined): T | undefined {
    const written = this.#written.get(key);
    if (written === undefined || cached === undefined) {
      if (cached === undefined) this.#written.delete(key);
      return cached;
    }
    const ours = revision(written);
    const theirs = revision(cached);
    if (
      written.metadata?.uid === cached.metadata?.uid &&
      ours !== undefined &&
      theirs !== undefined &&
      ours > theirs
    ) {
      return written;
    }
    this.#written.delete(key);
    return cached;
  }

  forget(key: string): void {
    this.#written.delete(key);
  }
}
