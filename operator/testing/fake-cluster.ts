// An in-memory stand-in for the API server and the operator's caches, for
// the controllers' unit tests: objects with resourceVersions, optimistic
// concurrency on finalizer and status writes, server-side apply through the
// real Applier, and a record of every write.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ApiException } from '@kubernetes/client-node';
import { Applier } from '../apply.ts';
import type { Cache, ChildCache } from '../controllers/tradingbot/context.ts';
import type { ClusterClient, Plural } from '../kube.ts';
import { labelKeys } from '../render/labels.ts';
import type { EventRecorder, EventType } from '../runtime/index.ts';

const botLabel = labelKeys.bot;

const kindOfPlural: Record<Plural, string> = { tradingbots: 'TradingBot', riskpolicies: 'RiskPolicy' };

function key(kind: string | undefined, namespace: string | undefined, name: string | undefined): string {
  return `${kind}/${namespace ?? ''}/${name ?? ''}`;
}

function apiError(code: number, message: string): ApiException<string> {
  return new ApiException(code, message, message, {});
}

export class FakeCluster {
  readonly objects = new Map<string, KubernetesObject>();
  readonly writes: string[] = [];
  /** Status writes to fail with 409 before succeeding. */
  conflictsToInject = 0;
  #version = 100;

  /** Stores the object with a new resourceVersion; a spec change moves metadata.generation, as the API server does. */
  put<T extends KubernetesObject>(object: T): T {
    const stored = structuredClone(object);
    const before = this.objects.get(key(stored.kind, stored.metadata?.namespace, stored.metadata?.name)) as
      | (KubernetesObject & { spec?: unknown })
      | undefined;
    const spec = (stored as { spec?: unknown }).spec;
    let generation = stored.metadata?.generation ?? before?.metadata?.generation ?? 1;
    if (before !== undefined && JSON.stringify(before.spec) !== JSON.stringify(spec)) {
      generation = (before.metadata?.generation ?? 0) + 1;
    }
    // Objects without a spec (ConfigMaps, ServiceAccounts) have no generation on a real server.
    stored.metadata = {
      ...stored.metadata,
      ...(spec === undefined ? {} : { generation }),
      resourceVersion: String(++this.#version),
    };
    this.objects.set(key(stored.kind, stored.metadata.namespace, stored.metadata.name), stored);
    return structuredClone(stored);
  }

  get<T extends KubernetesObject>(kind: string, namespace: string, name: string): T | undefined {
    const found = this.objects.get(key(kind, namespace, name));
    return found === undefined ? undefined : (structuredClone(found) as T);
  }

  /** A cache that sees the fake server's current state, for one kind. */
  cache<T extends KubernetesObject>(kind: string): Cache<T> {
    return {
      get: (name, namespace) => this.get<T>(kind, namespace ?? '', name),
      list: (namespace) =>
        [...this.objects.values()]
          .filter((o) => o.kind === kind && (namespace === undefined || o.metadata?.namespace === namespace))
          .map((o) => structuredClone(o) as T),
    };
  }

  /** A child cache: `ofBot` filters by the bot label (the operator keeps an index instead). */
  childCache<T extends KubernetesObject>(kind: string): ChildCache<T> {
    const cache = this.cache<T>(kind);
    return {
      ...cache,
      ofBot: (namespace, bot) => cache.list(namespace).filter((o) => o.metadata?.labels?.[botLabel] === bot),
    };
  }

  readonly client: ClusterClient = {
    applier: new Applier({
      apply: async <T extends KubernetesObject>(object: T): Promise<T> => {
        this.writes.push(`apply ${object.kind}/${object.metadata?.name}`);
        const existing = this.get<T>(
          object.kind ?? '',
          object.metadata?.namespace ?? '',
          object.metadata?.name ?? '',
        );
        // Like server-side apply: the status (written by others) is kept; an unchanged object keeps its version.
        const { resourceVersion: _rv, ...meta } = existing?.metadata ?? {};
        const { status, ...rest } = (existing ?? {}) as T & { status?: unknown };
        if (
          existing !== undefined &&
          JSON.stringify({ ...rest, metadata: meta }) === JSON.stringify(object)
        ) {
          return existing;
        }
        return this.put(status === undefined ? object : { ...object, status });
      },
    }),
    delete: async (object) => {
      this.writes.push(`delete ${object.kind}/${object.metadata?.name}`);
      this.objects.delete(key(object.kind, object.metadata?.namespace, object.metadata?.name));
    },
    setFinalizers: async <T extends KubernetesObject>(
      plural: Plural,
      object: T,
      finalizers: string[],
    ): Promise<T> => {
      const current = this.get<T>(
        kindOfPlural[plural],
        object.metadata?.namespace ?? '',
        object.metadata?.name ?? '',
      );
      if (current === undefined) throw apiError(404, 'not found');
      if (current.metadata?.resourceVersion !== object.metadata?.resourceVersion)
        throw apiError(409, 'conflict');
      this.writes.push(`finalizers ${plural}/${object.metadata?.name} [${finalizers.join(',')}]`);
      if (finalizers.length === 0 && current.metadata?.deletionTimestamp !== undefined) {
        this.objects.delete(key(current.kind, current.metadata?.namespace, current.metadata?.name));
        return { ...current, metadata: { ...current.metadata, finalizers } };
      }
      return this.put({ ...current, metadata: { ...current.metadata, finalizers } });
    },
    read: async <T extends KubernetesObject>(plural: Plural, namespace: string, name: string) =>
      this.get<T>(kindOfPlural[plural], namespace, name),
    replaceStatus: async <T extends KubernetesObject>(plural: Plural, object: T): Promise<T> => {
      const current = this.get<T & { status?: unknown }>(
        kindOfPlural[plural],
        object.metadata?.namespace ?? '',
        object.metadata?.name ?? '',
      );
      if (current === undefined) throw apiError(404, 'not found');
      if (this.conflictsToInject > 0) {
        this.conflictsToInject--;
        this.put(current); // someone else wrote it
        throw apiError(409, 'conflict');
      }
      if (current.metadata?.resourceVersion !== object.metadata?.resourceVersion)
        throw apiError(409, 'conflict');
      this.writes.push(`status ${plural}/${object.metadata?.name}`);
      return this.put({ ...current, status: (object as { status?: unknown }).status });
    },
  };
}

export class RecordingEvents implements EventRecorder {
  readonly events: Array<{ type: EventType; reason: string; message: string; name: string | undefined }> = [];
  event(object: KubernetesObject, type: EventType, reason: string, message: string): void {
    this.events.push({ type, reason, message, name: object.metadata?.name });
  }
  reasons(): string[] {
    return this.events.map((e) => e.reason);
  }
}
