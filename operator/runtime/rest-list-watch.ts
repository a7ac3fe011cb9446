// A list-then-watch cache of one collection on RestClient, with the
// semantics of client-node's ListWatch that ResilientInformer builds on (see
// informer.ts): 410 Gone re-lists by itself, a watch the server ends is
// re-opened from the last resourceVersion (with a growing delay while it keeps
// ending without events), any other failure goes to the `error` callbacks and
// stops it. Two things client-node's does not do:
// - `transform` shapes every object before it is cached, so the cache holds
//   only what the controllers read (never `managedFields`, often not the spec);
// - the list is paged (500 a page), so a large collection is never one
//   response held in memory at once.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { InformerSource } from './informer.ts';
import { type Query, type RestClient, statusOf, type WatchEvent } from './rest-client.ts';

type Verb = 'add' | 'update' | 'delete' | 'change' | 'error' | 'connect';
// biome-ignore lint/suspicious/noExplicitAny: one list for object and error callbacks, as Informer's overloads
type Callback = (value: any) => void;

export interface RestListWatchSpec<T extends KubernetesObject> {
  /** The collection's URL path, e.g. `/apis/apps/v1/namespaces/ns/deployments`. */
  readonly path: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Shapes each object before it is cached (default: drops `metadata.managedFields`). */
  readonly transform?: (object: T) => T;
}

const pageSize = 500;
const baseReconnectDelayMs = 1000;
const maxReconnectDelayMs = 30_000;

/** No cache needs the server's field ownership records. */
export function withoutManagedFields<T extends KubernetesObject>(object: T): T {
  if (object.metadata?.managedFields === undefined) return object;
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  return { ...object, metadata };
}

export class RestListWatch<T extends KubernetesObject> implements InformerSource<T> {
  readonly #client: RestClient;
  readonly #spec: RestListWatchSpec<T>;
  readonly #transform: (object: T) => T;
  readonly #callbacks: Record<Exclude<Verb, 'change'>, Callback[]> = {
    add: [],
    update: [],
    delete: [],
    error: [],
    connect: [],
  };
  /** namespace -> name -> object. */
  #objects = new Map<string, Map<string, T>>();
  #resourceVersion = '';
  #stopped = true;
  #abort: AbortController | undefined;
  #reconnectDelayMs = 0;
  #hasConnected = false;

  constructor(client: RestClient, spec: RestListWatchSpec<T>) {
    this.#client = client;
    this.#spec = spec;
    this.#transform = spec.transform ?? withoutManagedFields;
  }

  on(verb: Verb, cb: Callback): void {
    if (verb === 'change') {
      for (const v of ['add', 'update', 'delete'] as const) this.#callbacks[v].push(cb);
      return;
    }
    this.#callbacks[verb].push(cb);
  }

  off(verb: Verb, cb: Callback): void {
    const verbs = verb === 'change' ? (['add', 'update', 'delete'] as const) : [verb];
    for (const v of verbs) {
      const list = this.#callbacks[v];
      const at = list.indexOf(cb);
      if (at >= 0) list.splice(at, 1);
    }
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#objects.get(namespace ?? '')?.get(name);
  }

  list(namespace?: string): ReadonlyArray<T> {
    if (namespace === undefined || namespace === '') {
      return [...this.#objects.values()].flatMap((byName) => [...byName.values()]);
    }
    return [...(this.#objects.get(namespace)?.values() ?? [])];
  }

  /** Lists (when it has no resourceVersion) and opens the watch; resolves once it is open or failed. */
  async start(): Promise<void> {
    this.#stopped = false;
    this.#reconnectDelayMs = 0;
    this.#hasConnected = false;
    await this.#cycle();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort();
    this.#abort = undefined;
  }

  async #cycle(): Promise<void> {
    if (this.#stopped) return;
    this.#emit('connect');
    if (this.#resourceVersion === '') {
      try {
        await this.#relist();
      } catch (error) {
        this.#fail(error);
        return;
      }
      if (this.#stopped) return;
    }
    if (this.#hasConnected && this.#reconnectDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.#reconnectDelayMs));
      if (this.#stopped) return;
    }
    if (this.#hasConnected) {
      this.#reconnectDelayMs = Math.min(
        this.#reconnectDelayMs > 0 ? this.#reconnectDelayMs * 2 : baseReconnectDelayMs,
        maxReconnectDelayMs,
      );
    }
    this.#hasConnected = true;
    const abort = new AbortController();
    this.#abort = abort;
    const query: Query = {
      resourceVersion: this.#resourceVersion,
      allowWatchBookmarks: true,
      // The server ends each watch after 5 to 10 minutes (as client-go asks), so none goes stale.
      timeoutSeconds: 300 + Math.floor(Math.random() * 300),
      labelSelector: this.#spec.labelSelector,
      fieldSelector: this.#spec.fieldSelector,
    };
    let done: Promise<void>;
    try {
      ({ done } = await this.#client.watch<T>(
        this.#spec.path,
        query,
        (event) => {
          if (!abort.signal.aborted) this.#onEvent(event);
        },
        abort.signal,
      ));
    } catch (error) {
      this.#ended(abort, error);
      return;
    }
    done.then(
      () => this.#ended(abort, undefined),
      (error: unknown) => this.#ended(abort, error),
    );
  }

  /** The watch `abort` belongs to ended; a watch we replaced or aborted says nothing. */
  #ended(abort: AbortController, error: unknown): void {
    if (this.#stopped || abort !== this.#abort || abort.signal.aborted) return;
    if (error !== undefined && statusOf(error) !== 410) {
      this.#fail(error);
      return;
    }
    if (error !== undefined) this.#resourceVersion = '';
    void this.#cycle();
  }

  #fail(error: unknown): void {
    if (this.#stopped) return;
    this.#abort?.abort();
    this.#abort = undefined;
    this.#emit('error', error);
  }

  async #relist(): Promise<void> {
    const items: T[] = [];
    let next: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.#client.get<{
        items?: T[];
        metadata?: { resourceVersion?: string; continue?: string };
      }>(this.#spec.path, {
        limit: pageSize,
        continue: next,
        labelSelector: this.#spec.labelSelector,
        fieldSelector: this.#spec.fieldSelector,
      });
      for (const item of page.items ?? []) items.push(this.#transform(item));
      resourceVersion = page.metadata?.resourceVersion ?? '';
      next = page.metadata?.continue || undefined;
    } while (next !== undefined);
    const listed = new Set(items.map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`));
    for (const [namespace, byName] of this.#objects) {
      for (const [name, object] of byName) {
        if (listed.has(`${namespace}/${name}`)) continue;
        byName.delete(name);
        this.#emit('delete', object);
      }
      if (byName.size === 0) this.#objects.delete(namespace);
    }
    for (const item of items) this.#put(item);
    this.#resourceVersion = resourceVersion;
  }

  #onEvent(event: WatchEvent<T>): void {
    if (this.#stopped) return;
    if (event.type === 'ERROR') {
      // 410: our version is too old; the server ends the watch next, and we re-list.
      if ((event.object as { code?: number }).code === 410) this.#resourceVersion = '';
      return;
    }
    if (event.type === 'ADDED' || event.type === 'MODIFIED') this.#put(this.#transform(event.object));
    else if (event.type === 'DELETED') this.#remove(this.#transform(event.object));
    this.#reconnectDelayMs = 0;
    this.#resourceVersion = event.object.metadata?.resourceVersion ?? this.#resourceVersion;
  }

  #put(object: T): void {
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    let byName = this.#objects.get(namespace);
    if (byName === undefined) {
      byName = new Map();
      this.#objects.set(namespace, byName);
    }
    const found = byName.get(name);
    if (found === undefined) {
      byName.set(name, object);
      this.#emit('add', object);
    } else if (found.metadata?.resourceVersion !== object.metadata?.resourceVersion) {
      byName.set(name, object);
      this.#emit('update', object);
    }
  }

  #remove(object: T): void {
    const namespace = object.metadata?.namespace ?? '';
    const byName = this.#objects.get(namespace);
    if (byName?.delete(object.metadata?.name ?? '') !== true) return;
    if (byName.size === 0) this.#objects.delete(namespace);
    this.#emit('delete', object);
  }

  #emit(verb: Exclude<Verb, 'change'>, value?: unknown): void {
    for (const cb of this.#callbacks[verb].slice()) (cb as (v: unknown) => void)(value);
  }
}
