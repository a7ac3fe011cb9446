// Server-side apply on the real API server: it creates, it leaves an
// unchanged object untouched (same resourceVersion: a resync costs no write),
// it updates what changed, and it owns its fields under its field manager.
import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerSideApplier } from '../../operator/runtime/apply.ts';
import { coreApi, createNamespace, deleteNamespace, kubeConfig } from './helpers.ts';

let core: CoreV1Api;
let namespace: string;

beforeAll(async () => {
  core = coreApi(kubeConfig());
  namespace = await createNamespace(core, 'rt-apply');
});

afterAll(async () => {
  await deleteNamespace(core, namespace);
});

function manifest(data: Record<string, string>): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'applied', namespace, labels: { app: 'x' } },
    data,
  };
}

describe('ServerSideApplier on a real API server', () => {
  it('creates, does not write when nothing changed, and updates what changed', async () => {
    const applier = new ServerSideApplier(kubeConfig());
    const created = await applier.apply(manifest({ a: '1' }));
    expect(created.metadata?.resourceVersion).toBeDefined();

    const again = await applier.apply(manifest({ a: '1' }));
    expect(again.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);

    const changed = await applier.apply(manifest({ a: '2', b: '3' }));
    expect(changed.metadata?.resourceVersion).not.toBe(created.metadata?.resourceVersion);
    const read = await core.readNamespacedConfigMap({ name: 'applied', namespace });
    expect(read.data).toEqual({ a: '2', b: '3' });
    expect(
      read.metadata?.managedFields?.some((f) => f.manager === 'botcore-operator' && f.operation === 'Apply'),
    ).toBe(true);

    // A field dropped from the manifest is removed: the manifest is the whole truth for its manager.
    await applier.apply(manifest({ a: '2' }));
    expect((await core.readNamespacedConfigMap({ name: 'applied', namespace })).data).toEqual({ a: '2' });

    // A dry run computes without writing.
    const dry = await applier.apply(manifest({ a: 'dry' }), { dryRun: true });
    expect(dry.data).toEqual({ a: 'dry' });
    expect((await core.readNamespacedConfigMap({ name: 'applied', namespace })).data).toEqual({ a: '2' });
  });

  it('reports a conflict with another manager unless it forces', async () => {
    const ours = new ServerSideApplier(kubeConfig(), { fieldManager: 'botcore-operator', force: false });
    const theirs = new ServerSideApplier(kubeConfig(), { fieldManager: 'someone-else', force: false });
    const body = (v: string): V1ConfigMap => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'contested', namespace },
      data: { k: v },
    });
    await theirs.apply(body('theirs'));
    await expect(ours.apply(body('ours'))).rejects.toMatchObject({ code: 409 });
    const forcing = new ServerSideApplier(kubeConfig(), { fieldManager: 'botcore-operator' });
    const taken = await forcing.apply(body('ours'));
    expect(taken.data).toEqual({ k: 'ours' });
  });
});
