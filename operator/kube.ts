// The writes the controllers make, behind one small interface so the steps
// are unit-tested against a fake: server-side apply (via Applier), delete,
// finalizer changes with optimistic concurrency, status replacement, and a
// fresh read for conflict retries.
import type { KubernetesObject } from '@kubernetes/client-node';
import { Applier } from './apply.ts';
import { fieldManager } from './render/labels.ts';
import { ServerSideApplier } from './runtime/apply.ts';
import { objectPath } from './runtime/resource-path.ts';
import { ContentType, type RestClient, statusOf } from './runtime/rest-client.ts';

export const group = 'trading.botcore.dev';
export const version = 'v1alpha1';
export const apiVersion = `${group}/${version}`;

export type Plural = 'tradingbots' | 'riskpolicies';

export interface ClusterClient {
  readonly applier: Applier;
  /** Deletes the object; a missing one is fine. */
  delete(object: KubernetesObject): Promise<void>;
  /** Sets metadata.finalizers, failing with 409 if the object changed since `object` was read. */
  setFinalizers<T extends KubernetesObject>(plural: Plural, object: T, finalizers: string[]): Promise<T>;
  /** Reads a custom object from the API server (not a cache); undefined when gone. */
  read<T extends KubernetesObject>(plural: Plural, namespace: string, name: string): Promise<T | undefined>;
  /** Replaces the status subresource; 409 when `object`'s resourceVersion is stale. */
  replaceStatus<T extends KubernetesObject>(plural: Plural, object: T): Promise<T>;
}

/** The HTTP status of an API error, also when a step wrapped it (StepError's cause). */
export function statusCode(error: unknown): number | undefined {
  for (let e = error; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = statusOf(e);
    if (code !== undefined) return code;
    if (typeof e !== 'object') break;
  }
  return undefined;
}

export function isConflict(error: unknown): boolean {
  return statusCode(error) === 409;
}

export function clusterClient(client: RestClient): ClusterClient {
  const applier = new Applier(new ServerSideApplier(client, { fieldManager }));
  const customPath = (plural: Plural, namespace: string, name: string) =>
    `/apis/${group}/${version}/namespaces/${namespace}/${plural}/${name}`;
  return {
    applier,
    async delete(object) {
      try {
        await client.request('DELETE', objectPath(object), { body: { propagationPolicy: 'Background' } });
      } catch (error) {
        if (statusCode(error) !== 404) throw error;
      }
      applier.forget(object);
    },
    async setFinalizers(plural, object, finalizers) {
      const { namespace = '', name = '', resourceVersion } = object.metadata ?? {};
      // Setting resourceVersion in the patch makes it a precondition: 409 if the object moved.
      const body = [
        { op: 'add', path: '/metadata/finalizers', value: finalizers },
        { op: 'replace', path: '/metadata/resourceVersion', value: resourceVersion },
      ];
      return client.request('PATCH', customPath(plural, namespace, name), {
        body,
        contentType: ContentType.jsonPatch,
      });
    },
    async read(plural, namespace, name) {
      try {
        return await client.get(customPath(plural, namespace, name));
      } catch (error) {
        if (statusCode(error) === 404) return undefined;
        throw error;
      }
    },
    async replaceStatus(plural, object) {
      const { namespace = '', name = '' } = object.metadata ?? {};
      return client.request('PUT', `${customPath(plural, namespace, name)}/status`, { body: object });
    },
  };
}
