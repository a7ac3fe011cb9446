import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { Applier, type ApplyClient, appliedHashAnnotation } from './apply.ts';

/** An in-memory API server for one object kind: SSA replaces the object, bumping the version when it changed. */
function fakeServer() {
  const objects = new Map<string, KubernetesObject>();
  let version = 0;
  const applied: KubernetesObject[] = [];
  const client: ApplyClient = {
    async apply<T extends KubernetesObject>(object: T): Promise<T> {
      applied.push(object);
      const name = object.metadata?.name ?? '';
      const before = objects.get(name);
      const { resourceVersion: _rv, ...meta } = before?.metadata ?? {};
      const same =
        before !== undefined && JSON.stringify({ ...before, metadata: meta }) === JSON.stringify(object);
      const stored = same
        ? before
        : { ...object, metadata: { ...object.metadata, resourceVersion: String(++version) } };
      objects.set(name, stored);
      return structuredClone(stored) as T;
    },
  };
  return {
    client,
    objects,
    applied,
    edit: (name: string, change: (o: V1ConfigMap) => void) => {
      const o = structuredClone(objects.get(name)) as V1ConfigMap;
      change(o);
      o.metadata = { ...o.metadata, resourceVersion: String(++version) };
      objects.set(name, o);
      return o;
    },
  };
}

const desired: V1ConfigMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'n' },
  data: { a: '1' },
};

describe('Applier', () => {
  it('creates, then skips while the cached child is what it applied', async () => {
    const server = fakeServer();
    const applier = new Applier(server.client);
    const first = await applier.apply(desired, undefined);
    expect(first).toMatchObject({ created: true, skipped: false });
    expect(first.object.metadata?.annotations?.[appliedHashAnnotation]).toMatch(/^[0-9a-f]{16}$/);
    const second = await applier.apply(desired, first.object);
    expect(second.skipped).toBe(true);
    expect(server.applied).toHaveLength(1);
  });

  it('applies again after a restart (no memory), changing nothing', async () => {
    const server = fakeServer();
    const live = (await new Applier(server.client).apply(desired, undefined)).object;
    const result = await new Applier(server.client).apply(desired, live);
    expect(result).toMatchObject({ skipped: false, driftCorrected: false });
    expect(result.object.metadata?.resourceVersion).toBe(live.metadata?.resourceVersion);
  });

  it('puts back a hand edit and says so', async () => {
    const server = fakeServer();
    const applier = new Applier(server.client);
    await applier.apply(desired, undefined);
    const edited = server.edit('c', (o) => {
      o.data = { a: 'hand-edited' };
    });
    const result = await applier.apply(desired, edited);
    expect(result).toMatchObject({ skipped: false, driftCorrected: true });
    expect((result.object as V1ConfigMap).data).toEqual({ a: '1' });
  });

  it('applies a changed rendering without calling it drift', async () => {
    const server = fakeServer();
    const applier = new Applier(server.client);
    const live = (await applier.apply(desired, undefined)).object;
    const result = await applier.apply({ ...desired, data: { a: '2' } }, live);
    expect(result).toMatchObject({ skipped: false, driftCorrected: false });
  });
});

describe('Applier skips on generation', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'n', labels: { app: 'x' } },
    spec: { replicas: 1 },
  } as KubernetesObject;
  /** The object as the server returns it: a generation, and a resourceVersion that status writes move. */
  const asServed = (object: KubernetesObject, generation: number, resourceVersion: string) => ({
    ...object,
    metadata: { ...object.metadata, generation, resourceVersion },
  });

  /** An Applier whose server answers every apply at generation 1, resourceVersion 10; `calls` records the applies sent. */
  const servingApplier = () => {
    const calls: KubernetesObject[] = [];
    const applier = new Applier({
      apply: async <T extends KubernetesObject>(object: T) => {
        calls.push(object);
        return asServed(object, 1, '10') as T;
      },
    });
    return { applier, calls };
  };

  it('skips after a status write by someone else (resourceVersion moved, generation did not)', async () => {
    const { applier, calls } = servingApplier();
    const applied = (await applier.apply(deployment, undefined)).object;
    const afterStatusWrite = { ...asServed(applied, 1, '11'), status: { availableReplicas: 1 } };
    expect((await applier.apply(deployment, afterStatusWrite)).skipped).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('applies again after a spec edit (generation moved) or a hand-edited label', async () => {
    const { applier, calls } = servingApplier();
    const applied = (await applier.apply(deployment, undefined)).object;
    expect((await applier.apply(deployment, asServed(applied, 2, '12'))).skipped).toBe(false);
    const relabelled = asServed(applied, 1, '13');
    relabelled.metadata = { ...relabelled.metadata, labels: { app: 'edited' } };
    expect((await applier.apply(deployment, relabelled)).skipped).toBe(false);
    expect(calls).toHaveLength(3);
  });
});
