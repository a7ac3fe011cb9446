// Where the leader lease lives. The elector only needs get / create / update
// with optimistic concurrency, so it runs against a coordination.k8s.io/v1
// Lease in a cluster, or against memory in unit tests.
import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import { type RestClient, statusOf } from './rest-client.ts';

export interface LeaseRecord {
  /** Who holds the lease; empty when it was released. */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: Date | undefined;
  readonly renewTime: Date | undefined;
  readonly leaseTransitions: number;
}

export interface StoredLease {
  readonly record: LeaseRecord;
  /** Changes on every write; updates must name the version they read. */
  readonly resourceVersion: string;
}

/** Another writer got there first: the lease exists already, or changed since it was read. */
export class LeaseConflictError extends Error {
  override readonly name = 'LeaseConflictError';
}

export interface LeaseStore {
  /** `namespace/name`, for logs and metrics. */
  readonly description: string;
  /** The lease, or undefined when it does not exist. */
  get(): Promise<StoredLease | undefined>;
  /** Creates the lease; throws LeaseConflictError when it exists. */
  create(record: LeaseRecord): Promise<StoredLease>;
  /** Replaces the lease if it is still at `resourceVersion`; throws LeaseConflictError otherwise. */
  update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease>;
}

export class InMemoryLeaseStore implements LeaseStore {
  readonly description: string;
  #stored: StoredLease | undefined;
  #version = 0;

  constructor(description = 'memory/leader') {
    this.description = description;
  }

  async get(): Promise<StoredLease | undefined> {
    return this.#stored;
  }

  async create(record: LeaseRecord): Promise<StoredLease> {
    if (this.#stored !== undefined) throw new LeaseConflictError(`${this.description} already exists`);
    return this.#write(record);
  }

  async update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease> {
    if (this.#stored === undefined || this.#stored.resourceVersion !== resourceVersion) {
      throw new LeaseConflictError(`${this.description} changed since version ${resourceVersion}`);
    }
    return this.#write(record);
  }

  #write(record: LeaseRecord): StoredLease {
    this.#version++;
    this.#stored = { record: { ...record }, resourceVersion: String(this.#version) };
    return this.#stored;
  }
}

/** The three Lease calls the store makes: client-node's CoordinationV1Api has them, and so does `restLeaseApi`. */
export type LeaseApi = Pick<
  CoordinationV1Api,
  'readNamespacedLease' | 'createNamespacedLease' | 'replaceNamespacedLease'
>;

export class KubernetesLeaseStore implements LeaseStore {
  readonly description: string;
  readonly #api: LeaseApi;
  readonly #namespace: string;
  readonly #name: string;
  /** The Lease as last read or written, so an update keeps its labels and annotations. */
  #last: V1Lease | undefined;

  constructor(api: LeaseApi, namespace: string, name: string) {
    this.#api = api;
    this.#namespace = namespace;
    this.#name = name;
    this.description = `${namespace}/${name}`;
  }

  async get(): Promise<StoredLease | undefined> {
    try {
      return this.#remember(
        await this.#api.readNamespacedLease({ name: this.#name, namespace: this.#namespace }),
      );
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async create(record: LeaseRecord): Promise<StoredLease> {
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.#name, namespace: this.#namespace },
      spec: toSpec(record),
    };
    try {
      return this.#remember(await this.#api.createNamespacedLease({ namespace: this.#namespace, body }));
    } catch (error) {
      if (statusOf(error) === 409) throw new LeaseConflictError(`${this.description} already exists`);
      throw error;
    }
  }

  async update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease> {
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { ...this.#last?.metadata, name: this.#name, namespace: this.#namespace, resourceVersion },
      spec: { ...this.#last?.spec, ...toSpec(record) },
    };
    try {
      return this.#remember(
        await this.#api.replaceNamespacedLease({ name: this.#name, namespace: this.#namespace, body }),
      );
    } catch (error) {
      if (statusOf(error) === 409) throw new LeaseConflictError(`${this.description} changed meanwhile`);
      throw error;
    }
  }

  #remember(lease: V1Lease): StoredLease {
    this.#last = lease;
    const spec = lease.spec ?? {};
    return {
      resourceVersion: lease.metadata?.resourceVersion ?? '',
      record: {
        holderIdentity: spec.holderIdentity ?? '',
        leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
        acquireTime: toDate(spec.acquireTime),
        renewTime: toDate(spec.renewTime),
        leaseTransitions: spec.leaseTransitions ?? 0,
      },
    };
  }
}

/** The Lease `namespace/name` in the cluster `client` talks to. */
export function leaseStoreFor(client: RestClient, namespace: string, name: string): KubernetesLeaseStore {
  return new KubernetesLeaseStore(restLeaseApi(client), namespace, name);
}

/** LeaseApi over RestClient (plain JSON: the times come back as strings, which `toDate` reads). */
export function restLeaseApi(client: RestClient): LeaseApi {
  const path = (namespace: string, name?: string) =>
    `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases${name === undefined ? '' : `/${name}`}`;
  return {
    readNamespacedLease: ({ name, namespace }) => client.get<V1Lease>(path(namespace, name)),
    createNamespacedLease: ({ namespace, body }) =>
      client.request<V1Lease>('POST', path(namespace), { body }),
    replaceNamespacedLease: ({ name, namespace, body }) =>
      client.request<V1Lease>('PUT', path(namespace, name), { body }),
  } as LeaseApi;
}

/** A date that serialises with six fractional digits, as MicroTime fields must be written (JSON and client-node alike). */
class MicroTime extends Date {
  override toISOString(): string {
    return super.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  }

  override toJSON(): string {
    return this.toISOString();
  }
}

function toSpec(record: LeaseRecord): NonNullable<V1Lease['spec']> {
  const spec: NonNullable<V1Lease['spec']> = {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaseTransitions,
  };
  if (record.acquireTime !== undefined) spec.acquireTime = new MicroTime(record.acquireTime.getTime());
  if (record.renewTime !== undefined) spec.renewTime = new MicroTime(record.renewTime.getTime());
  return spec;
}

/** client-node 2.0.1 hands MicroTime fields back as the server's strings, though typed as dates. */
function toDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
