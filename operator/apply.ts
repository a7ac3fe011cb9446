// Server-side apply under one field manager, with `force`: the operator owns
// the fields it renders, so a hand edit of them is taken back on the next
// apply (drift correction), while fields others set and it does not render
// (an HPA's annotations, kubectl's last-applied) are left alone.
//
// An apply is skipped when nothing can have changed: the child in the cache
// carries the hash of what we last applied and is still at the
// resourceVersion our apply returned. A resync where nothing changed then
// writes nothing.
import {
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { contentHash } from './render/hash.ts';
import { fieldManager } from './render/labels.ts';

export const appliedHashAnnotation = 'trading.botcore.dev/applied-hash';

/** What the applier needs from the API: one SSA patch (a seam for unit tests). */
export interface ApplyClient {
  apply<T extends KubernetesObject>(object: T): Promise<T>;
}

export function serverSideApplyClient(kc: KubeConfig): ApplyClient {
  const api = KubernetesObjectApi.makeApiClient(kc);
  return {
    apply: (object) =>
      api.patch(object, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply),
  };
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
  /** resourceVersion our last apply returned, per object. */
  readonly #applied = new Map<string, string>();

  constructor(client: ApplyClient) {
    this.#client = client;
  }

  async apply<T extends KubernetesObject>(desired: T, live: T | undefined): Promise<ApplyResult<T>> {
    const id = objectId(desired);
    const hash = hashOf(desired);
    const liveHash = live?.metadata?.annotations?.[appliedHashAnnotation];
    const liveVersion = live?.metadata?.resourceVersion;
    if (
      live !== undefined &&
      liveHash === hash &&
      liveVersion !== undefined &&
      this.#applied.get(id) === liveVersion
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
    const version = object.metadata?.resourceVersion;
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
