// An in-memory informer source for unit tests of controllers: the test puts,
// changes and removes objects by hand and the usual add/update/delete
// callbacks fire (from the first `start()` on, as with a real informer), with
// no API server.
import type { ErrorCallback, KubernetesObject, ObjectCallback } from '@kubernetes/client-node';
import type { InformerSource } from './informer.ts';
import { objectKey } from './keys.ts';

type Verb = 'add' | 'update' | 'delete' | 'change' | 'error' | 'connect';

export class FakeInformerSource<T extends KubernetesObject> implements InformerSource<T> {
  readonly #objects = new Map<string, T>();
  readonly #callbacks = new Map<string, Array<(arg: never) => void>>();
  started = 0;
  stopped = 0;

  on(verb: 'add' | 'update' | 'delete' | 'change', cb: ObjectCallback<T>): void;
  on(verb: 'error' | 'connect', cb: ErrorCallback): void;
  on(verb: Verb, cb: (arg: never) => void): void {
    if (verb === 'change') {
      for (const v of ['add', 'update', 'delete'] as const) this.on(v, cb as ObjectCallback<T>);
      return;
    }
    this.#callbacks.set(verb, [...(this.#callbacks.get(verb) ?? []), cb]);
  }

  off(verb: 'add' | 'update' | 'delete' | 'change', cb: ObjectCallback<T>): void;
  off(verb: 'error' | 'connect', cb: ErrorCallback): void;
  off(verb: Verb, cb: (arg: never) => void): void {
    this.#callbacks.set(
      verb,
      (this.#callbacks.get(verb) ?? []).filter((c) => c !== cb),
    );
  }

  /** Like a ListWatch's first list: objects put before the first start are announced now. */
  async start(): Promise<void> {
    this.started++;
    if (this.started === 1) for (const object of this.#objects.values()) this.#fire('add', object);
  }

  async stop(): Promise<void> {
    this.stopped++;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#objects.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string): ReadonlyArray<T> {
    return [...this.#objects.values()].filter(
      (o) => namespace === undefined || o.metadata?.namespace === namespace,
    );
  }

  /** Adds or replaces the object, firing `add` or `update`. */
  put(object: T): void {
    const key = objectKey(object);
    const verb = this.#objects.has(key) ? 'update' : 'add';
    this.#objects.set(key, object);
    if (this.started > 0) this.#fire(verb, object);
  }

  remove(object: T): void {
    if (this.#objects.delete(objectKey(object)) && this.started > 0) this.#fire('delete', object);
  }

  fail(error: unknown): void {
    this.#fire('error', error);
  }

  #fire(verb: Verb, arg: unknown): void {
    for (const cb of this.#callbacks.get(verb) ?? []) (cb as (a: unknown) => void)(arg);
  }
}
