// Server-side apply under one field manager, the way controllers write the
// children they own: the manifest states every field the operator cares about,
// the API server merges it with what others manage, and applying an unchanged
// manifest changes nothing (same resourceVersion: no write, no event), which
// is what makes a resync where nothing changed free.
import type { KubernetesObject } from '@kubernetes/client-node';
import { objectPath } from './resource-path.ts';
import { ContentType, type RestClient } from './rest-client.ts';

export const defaultFieldManager = 'botcore-operator';

export interface ApplyOptions {
  /** Field manager the applied fields belong to (default `botcore-operator`). */
  readonly fieldManager?: string;
  /**
   * Take over fields another manager set (default true, as controllers do:
   * the operator is the source of truth for what it renders).
   */
  readonly force?: boolean;
  /** Validate and compute the result without persisting it. */
  readonly dryRun?: boolean;
}

export class ServerSideApplier {
  readonly #client: RestClient;
  readonly #fieldManager: string;
  readonly #force: boolean;

  constructor(client: RestClient, options: Omit<ApplyOptions, 'dryRun'> = {}) {
    this.#client = client;
    this.#fieldManager = options.fieldManager ?? defaultFieldManager;
    this.#force = options.force ?? true;
  }

  /**
   * Applies `status` of a custom resource through its status subresource
   * (spec and metadata are left alone). `object` names the resource
   * (apiVersion, kind, namespace, name) and carries the status to own; an
   * unchanged status is no write.
   */
  async applyStatus<T extends KubernetesObject & { status?: unknown }>(
    object: T,
    plural: string,
    options: Pick<ApplyOptions, 'dryRun'> = {},
  ): Promise<T> {
    const { apiVersion = '', kind, metadata = {} } = applyBody(object);
    if (!apiVersion.includes('/')) {
      throw new TypeError('applyStatus is for custom resources (apiVersion group/version)');
    }
    const name = metadata.name ?? '';
    const body = {
      apiVersion,
      kind,
      metadata: { name, namespace: metadata.namespace },
      status: object.status,
    };
    return this.#patch<T>(`${objectPath(body as KubernetesObject, plural)}/status`, body, options);
  }

  /** Applies the manifest and returns the object as the server now has it. */
  async apply<T extends KubernetesObject>(
    manifest: T,
    options: Pick<ApplyOptions, 'dryRun'> = {},
  ): Promise<T> {
    const body = applyBody(manifest);
    return this.#patch<T>(objectPath(body), body, options);
  }

  #patch<T>(path: string, body: unknown, options: Pick<ApplyOptions, 'dryRun'>): Promise<T> {
    return this.#client.request<T>('PATCH', path, {
      body,
      contentType: ContentType.apply,
      query: {
        fieldManager: this.#fieldManager,
        force: this.#force,
        ...(options.dryRun ? { dryRun: 'All' } : {}),
      },
    });
  }
}

/**
 * The manifest as an apply body: it must name apiVersion, kind and name, and
 * must not carry server-owned metadata (a stale resourceVersion would turn
 * the apply into a conditional update, managedFields are not allowed).
 */
export function applyBody<T extends KubernetesObject>(manifest: T): T {
  if (!manifest.apiVersion || !manifest.kind || !manifest.metadata?.name) {
    throw new TypeError('an applied manifest needs apiVersion, kind and metadata.name');
  }
  const {
    resourceVersion: _resourceVersion,
    managedFields: _managedFields,
    uid: _uid,
    creationTimestamp: _creationTimestamp,
    generation: _generation,
    ...metadata
  } = manifest.metadata;
  return wireNames({ ...manifest, metadata });
}

/**
 * client-node's model types name NetworkPolicy's ingress `from` `_from` (a
 * reserved word for its generator) and its ApiClient renamed it on the way
 * out; manifests typed with those models are sent here as plain JSON, so the
 * wire name is put back. (`to`, egress's, needs nothing.)
 */
function wireNames<T extends KubernetesObject>(manifest: T): T {
  const spec = (manifest as { spec?: { ingress?: unknown } }).spec;
  if (manifest.kind !== 'NetworkPolicy' || !Array.isArray(spec?.ingress)) return manifest;
  const ingress = spec.ingress.map((rule: Record<string, unknown>) => {
    if (!('_from' in rule)) return rule;
    const { _from, ...rest } = rule;
    return { ...rest, from: _from };
  });
  return { ...manifest, spec: { ...spec, ingress } };
}
