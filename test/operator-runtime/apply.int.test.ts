// Server-side apply on the real API server: it creates, it leaves an
// unchanged object untouched (same resourceVersion: a resync costs no write),
// it updates what changed, and it owns its fields under its field manager;
// status goes through the status subresource without touching the spec.
import {
  ApiextensionsV1Api,
  type CoreV1Api,
  CustomObjectsApi,
  type KubernetesObject,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerSideApplier } from '../../operator/runtime/apply.ts';
import { eventually } from '../support/eventually.ts';
import { uniqueName } from '../support/kube.ts';
import { coreApi, createNamespace, deleteNamespace, kubeConfig, restClient } from './helpers.ts';

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
    const applier = new ServerSideApplier(await restClient());
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
    const ours = new ServerSideApplier(await restClient(), {
      fieldManager: 'botcore-operator',
      force: false,
    });
    const theirs = new ServerSideApplier(await restClient(), { fieldManager: 'someone-else', force: false });
    const body = (v: string): V1ConfigMap => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'contested', namespace },
      data: { k: v },
    });
    await theirs.apply(body('theirs'));
    await expect(ours.apply(body('ours'))).rejects.toMatchObject({ code: 409 });
    const forcing = new ServerSideApplier(await restClient(), { fieldManager: 'botcore-operator' });
    const taken = await forcing.apply(body('ours'));
    expect(taken.data).toEqual({ k: 'ours' });
  });
});

describe('ServerSideApplier.applyStatus on a custom resource', () => {
  const group = `${uniqueName('rt')}.test.botcore.dev`;
  const plural = 'gadgets';
  const extensions = () => kubeConfig().makeApiClient(ApiextensionsV1Api);

  beforeAll(async () => {
    await extensions().createCustomResourceDefinition({
      body: {
        metadata: { name: `${plural}.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural, singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              subresources: { status: {} },
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: { type: 'object', properties: { size: { type: 'integer' } } },
                    status: { type: 'object', properties: { phase: { type: 'string' } } },
                  },
                },
              },
            },
          ],
        },
      },
    });
    await eventually(async () => {
      const crd = await extensions().readCustomResourceDefinition({ name: `${plural}.${group}` });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    }, 'the CRD to be established');
  });

  afterAll(async () => {
    await extensions()
      .deleteCustomResourceDefinition({ name: `${plural}.${group}` })
      .catch(() => {});
  });

  interface Gadget extends KubernetesObject {
    spec?: { size?: number };
    status?: { phase?: string };
  }

  it('writes status only, and not at all when it did not change', async () => {
    const objects = kubeConfig().makeApiClient(CustomObjectsApi);
    const gadget: Gadget = {
      apiVersion: `${group}/v1`,
      kind: 'Gadget',
      metadata: { name: 'g1', namespace },
      spec: { size: 2 },
    };
    await eventually(async () => {
      await objects.createNamespacedCustomObject({ group, version: 'v1', namespace, plural, body: gadget });
      return true;
    }, 'creating the gadget');
    const applier = new ServerSideApplier(await restClient());
    const first = await applier.applyStatus<Gadget>(
      { ...gadget, spec: { size: 99 }, status: { phase: 'Running' } },
      plural,
    );
    expect(first.status).toEqual({ phase: 'Running' });
    // The status subresource ignores the spec it was sent.
    expect(first.spec).toEqual({ size: 2 });
    expect(first.metadata?.generation).toBe(1);

    const again = await applier.applyStatus<Gadget>({ ...gadget, status: { phase: 'Running' } }, plural);
    expect(again.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);

    const changed = await applier.applyStatus<Gadget>({ ...gadget, status: { phase: 'Halted' } }, plural);
    expect(changed.metadata?.resourceVersion).not.toBe(first.metadata?.resourceVersion);
    const read = (await objects.getNamespacedCustomObject({
      group,
      version: 'v1',
      namespace,
      plural,
      name: 'g1',
    })) as Gadget;
    expect(read.status).toEqual({ phase: 'Halted' });
    expect(read.metadata?.generation).toBe(1);
  });
});
