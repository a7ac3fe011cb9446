// Server-side apply under one field manager, the way controllers write the
// children they own: the manifest states every field the operator cares about,
// the API server merges it with what others manage, and applying an unchanged
// manifest changes nothing (same resourceVersion: no write, no event), which
// is what makes a resync where nothing changed free.
import {
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';

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
  readonly #api: KubernetesObjectApi;
  readonly #customObjects: CustomObjectsApi;
  readonly #fieldManager: string;
  readonly #force: boolean;

  constructor(kubeConfig: KubeConfig, options: Omit<ApplyOptions, 'dryRun'> = {}) {
    this.#api = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.#customObjects = kubeConfig.makeApiClient(CustomObjectsApi);
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
    const slash = apiVersion.indexOf('/');
    if (slash < 0) throw new TypeError('applyStatus is for custom resources (apiVersion group/version)');
    const name = metadata.name ?? '';
    const request = {
      group: apiVersion.slice(0, slash),
      version: apiVersion.slice(slash + 1),
      plural,
      name,
      body: { apiVersion, kind, metadata: { name, namespace: metadata.namespace }, status: object.status },
      fieldManager: this.#fieldManager,
      force: this.#force,
      ...(options.dryRun ? { dryRun: 'All' } : {}),
    };
    const headers = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
    const namespace = metadata.namespace;
    const result: unknown =
      namespace === undefined
        ? await this.#customObjects.patchClusterCustomObjectStatus(request, headers)
        : await this.#customObjects.patchNamespacedCustomObjectStatus({ ...request, namespace }, headers);
    return result as T;
  }

  /** Applies the manifest and returns the object as the server now has it. */
  async apply<T extends KubernetesObject>(
    manifest: T,
    options: Pick<ApplyOptions, 'dryRun'> = {},
  ): Promise<T> {
    return this.#api.patch(
      applyBody(manifest),
      undefined,
      options.dryRun ? 'All' : undefined,
      this.#fieldManager,
      this.#force,
      PatchStrategy.ServerSideApply,
    );
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
  return { ...manifest, metadata };
}
