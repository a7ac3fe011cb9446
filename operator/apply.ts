// Server-side apply under one field manager, with `force`: the operator owns
// the fields it renders, so a hand edit of them is taken back on the next
// apply (drift correction), while fields others set and it does not render
// (an HPA's annotations, kubectl's last-applied) are left alone.
//
// An apply is skipped when nothing we own can have changed: the child in the
// cache carries the hash of what we render now, its spec is at the
// metadata.generation our last apply returned (objects without a generation,
// such as ConfigMaps: at the resourceVersion), and it still has the labels
// and annotations we render. Status writes by others (the controller-manager
// rolling a Deployment out) move the resourceVersion but not the generation,
// so they cost no apply; a resync where nothing changed writes nothing.
import type { KubernetesObject } from '@kubernetes/client-node';
import { contentHash } from './render/hash.ts';

export const appliedHashAnnotation = 'trading.botcore.dev/applied-hash';

/** What the applier needs from the API: one server-side apply (the runtime's ServerSideApplier; a fake in unit tests). */
export interface ApplyClient {
  apply<T extends KubernetesObject>(object: T): Promise<T>;
}

export interface ApplyResult<T extends KubernetesObject> {
  /** The object as the server has it after the apply (or the cached one when skipped). */
  readonly object: T;
  readonly skipped: boolean;
  /** True when the object did not exist before. */
  readonly created: boolean;
  /**
   * True when our rendering had not changed but the apply changed the object:
   * someone edited fields the operator owns, and they were put back.
   */
  readonly driftCorrected: boolean;
}

export class Applier {
  readonly #client: ApplyClient;
  /** What our last apply returned, per object: its generation, or its resourceVersion without one. */
  readonly #applied = new Map<string, string>();

  constructor(client: ApplyClient) {
    this.#client = client;
  }

  async apply<T extends KubernetesObject>(desired: T, live: T | undefined): Promise<ApplyResult<T>> {
    const id = objectId(desired);
    const hash = hashOf(desired);
    const liveHash = live?.metadata?.annotations?.[appliedHashAnnotation];
    if (
      live !== undefined &&
      liveHash === hash &&
      this.#applied.get(id) === specVersion(live) &&
      hasMetadata(live, desired)
    ) {
      return { object: live, skipped: true, created: false, driftCorrected: false };
    }
    const body = {
      ...desired,
      metadata: {
        ...desired.metadata,
        annotations: { ...desired.metadata?.annotations, [appliedHashAnnotation]: hash },
      },
    } as T;
    const object = await this.#client.apply(body);
    const version = specVersion(object);
    if (version !== undefined) this.#applied.set(id, version);
    return {
      object,
      skipped: false,
      created: live === undefined,
      driftCorrected: live !== undefined && liveHash === hash && changed(live, object),
    };
  }

  /** Forget a deleted object. */
  forget(object: KubernetesObject): void {
    this.#applied.delete(objectId(object));
  }
}

/** What moves when the object's spec does: its generation, else (no generation) its resourceVersion. */
function specVersion(object: KubernetesObject): string | undefined {
  const generation = object.metadata?.generation;
  if (generation !== undefined) return `g${generation}`;
  const version = object.metadata?.resourceVersion;
  return version === undefined ? undefined : `rv${version}`;
}

/** Every label and annotation we render is on the live object (a hand edit of one moves no generation). */
function hasMetadata(live: KubernetesObject, desired: KubernetesObject): boolean {
  const contains = (have: Record<string, string> | undefined, want: Record<string, string> | undefined) =>
    Object.entries(want ?? {}).every(([key, value]) => have?.[key] === value);
  return (
    contains(live.metadata?.labels, desired.metadata?.labels) &&
    contains(live.metadata?.annotations, desired.metadata?.annotations)
  );
}

/** Generation moves only with spec changes (status writes do not); objects without one compare versions. */
function changed(before: KubernetesObject, after: KubernetesObject): boolean {
  const g0 = before.metadata?.generation;
  const g1 = after.metadata?.generation;
  if (g0 !== undefined && g1 !== undefined) return g0 !== g1;
  return before.metadata?.resourceVersion !== after.metadata?.resourceVersion;
}

/** Rendered objects are reused while their inputs do not change: hash each once. */
const hashes = new WeakMap<object, string>();

function hashOf(object: KubernetesObject): string {
  let hash = hashes.get(object);
  if (hash === undefined) {
    hash = contentHash(object);
    hashes.set(object, hash);
  }
  return hash;
}

export function objectId(object: KubernetesObject): string {
  return `${object.apiVersion}/${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}
