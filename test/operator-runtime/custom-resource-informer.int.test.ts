// An informer over a custom resource, listed through CustomObjectsApi, on a
// throwaway CRD (so the suite does not depend on the project's own CRDs):
// it sees objects in its namespace only, and their adds, updates and deletes.
import {
  ApiextensionsV1Api,
  type CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customResourceListWatch, ResilientInformer } from '../../operator/runtime/informer.ts';
import { objectKey } from '../../operator/runtime/keys.ts';
import { eventually } from '../support/eventually.ts';
import { uniqueName } from '../support/kube.ts';
import { coreApi, createNamespace, deleteNamespace, kubeConfig, restClient } from './helpers.ts';

interface Widget extends KubernetesObject {
  spec?: { size?: number };
}

const group = `${uniqueName('rt')}.test.botcore.dev`;
const version = 'v1';
const plural = 'widgets';

let kc: KubeConfig;
let core: CoreV1Api;
let extensions: ApiextensionsV1Api;
let objects: CustomObjectsApi;
let namespace: string;
let otherNamespace: string;

beforeAll(async () => {
  kc = kubeConfig();
  core = coreApi(kc);
  extensions = kc.makeApiClient(ApiextensionsV1Api);
  objects = kc.makeApiClient(CustomObjectsApi);
  namespace = await createNamespace(core, 'rt-cr');
  otherNamespace = await createNamespace(core, 'rt-cr-other');
  await extensions.createCustomResourceDefinition({
    body: {
      metadata: { name: `${plural}.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural, singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: version,
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    },
  });
  await eventually(async () => {
    const crd = await extensions.readCustomResourceDefinition({ name: `${plural}.${group}` });
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  }, 'the CRD to be established');
});

afterAll(async () => {
  await extensions.deleteCustomResourceDefinition({ name: `${plural}.${group}` }).catch(() => {});
  await deleteNamespace(core, namespace);
  await deleteNamespace(core, otherNamespace);
});

function widget(ns: string, name: string, size: number): Widget {
  return {
    apiVersion: `${group}/${version}`,
    kind: 'Widget',
    metadata: { name, namespace: ns },
    spec: { size },
  };
}

async function createWidget(ns: string, name: string, size: number): Promise<void> {
  // The CRD may be established a moment before its REST endpoint serves.
  await eventually(async () => {
    await objects.createNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      body: widget(ns, name, size),
    });
    return true;
  }, `creating widget ${name}`);
}

describe('custom resource informer on a real API server', () => {
  it('lists and watches the custom resource in its namespace', async () => {
    await createWidget(namespace, 'w-before', 1);
    await createWidget(otherNamespace, 'w-elsewhere', 1);
    const informer = new ResilientInformer<Widget>({
      name: 'widgets',
      source: customResourceListWatch<Widget>(await restClient(), { group, version, plural, namespace }),
    });
    const events: string[] = [];
    informer.addHandlers({
      add: (w) => events.push(`add ${objectKey(w)} ${w.spec?.size}`),
      update: (w, old) => events.push(`update ${objectKey(w)} ${old?.spec?.size}->${w.spec?.size}`),
      delete: (w) => events.push(`delete ${objectKey(w)}`),
    });
    try {
      await informer.start();
      await informer.waitForSync();
      expect(events).toEqual([`add ${namespace}/w-before 1`]);

      await createWidget(namespace, 'w-1', 2);
      await eventually(() => events.includes(`add ${namespace}/w-1 2`), 'add of w-1');
      await objects.patchNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        name: 'w-1',
        body: [{ op: 'replace', path: '/spec/size', value: 3 }],
      });
      await eventually(() => events.includes(`update ${namespace}/w-1 2->3`), 'update of w-1');
      await objects.deleteNamespacedCustomObject({ group, version, namespace, plural, name: 'w-1' });
      await eventually(() => events.includes(`delete ${namespace}/w-1`), 'delete of w-1');

      await createWidget(otherNamespace, 'w-elsewhere-2', 1);
      await createWidget(namespace, 'w-last', 4);
      await eventually(() => events.includes(`add ${namespace}/w-last 4`), 'add of w-last');
      expect(events.some((e) => e.includes(otherNamespace))).toBe(false);
      expect(
        informer
          .list()
          .map((w) => w.metadata?.name)
          .sort(),
      ).toEqual(['w-before', 'w-last']);
    } finally {
      await informer.stop();
    }
  });

  it('watches every namespace when given none', async () => {
    const informer = new ResilientInformer<Widget>({
      name: 'all-widgets',
      source: customResourceListWatch<Widget>(await restClient(), { group, version, plural }),
    });
    try {
      await informer.start();
      await informer.waitForSync();
      const namespaces = new Set(informer.list().map((w) => w.metadata?.namespace));
      expect(namespaces.has(namespace)).toBe(true);
      expect(namespaces.has(otherNamespace)).toBe(true);
    } finally {
      await informer.stop();
    }
  });
});
