// The resilient informer against the real API server: it sees adds, updates
// and deletes; it re-lists when its resourceVersion has expired (410 Gone);
// and it comes back by itself, with backoff, after its connection is cut.
import {
  ApiextensionsV1Api,
  type CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listWatch, ResilientInformer } from '../../operator/runtime/informer.ts';
import { type Query, RestClient } from '../../operator/runtime/rest-client.ts';
import { eventually } from '../support/eventually.ts';
import { uniqueName } from '../support/kube.ts';
import {
  CuttableProxy,
  coreApi,
  createNamespace,
  deleteNamespace,
  kubeConfig,
  restClient,
} from './helpers.ts';

let kc: KubeConfig;
let core: CoreV1Api;
let namespace: string;

beforeAll(async () => {
  kc = kubeConfig();
  core = coreApi(kc);
  namespace = await createNamespace(core, 'rt-informer');
});

afterAll(async () => {
  await deleteNamespace(core, namespace);
});

// Each test labels its ConfigMaps and watches only those, so the namespace's
// kube-root-ca.crt and other tests' objects stay out of its informer.
function configMapInformer(client: RestClient, group: string) {
  const source = listWatch<V1ConfigMap>(client, {
    path: `/api/v1/namespaces/${namespace}/configmaps`,
    labelSelector: `group=${group}`,
  });
  const informer = new ResilientInformer<V1ConfigMap>({
    name: 'configmaps',
    source,
    restartBackoff: { baseDelayMs: 100, maxDelayMs: 1_000 },
  });
  const events: string[] = [];
  informer.addHandlers({
    add: (o) => events.push(`add ${o.metadata?.name} ${o.data?.v ?? ''}`.trim()),
    update: (o) => events.push(`update ${o.metadata?.name} ${o.data?.v ?? ''}`.trim()),
    delete: (o) => events.push(`delete ${o.metadata?.name}`),
  });
  return { informer, events };
}

async function putConfigMap(group: string, name: string, v: string): Promise<void> {
  const body: V1ConfigMap = { metadata: { name, namespace, labels: { group } }, data: { v } };
  try {
    await core.createNamespacedConfigMap({ namespace, body });
  } catch {
    await core.replaceNamespacedConfigMap({ name, namespace, body });
  }
}

describe('ResilientInformer on a real API server', () => {
  it('lists existing objects, then delivers adds, updates and deletes', async () => {
    await putConfigMap('one', 'before-start', '0');
    const { informer, events } = configMapInformer(await restClient(), 'one');
    try {
      await informer.start();
      await informer.waitForSync();
      expect(events).toEqual(['add before-start 0']);

      await putConfigMap('one', 'cm-1', 'a');
      await eventually(() => events.includes('add cm-1 a'), 'add of cm-1');
      await putConfigMap('one', 'cm-1', 'b');
      await eventually(() => events.includes('update cm-1 b'), 'update of cm-1');
      await core.deleteNamespacedConfigMap({ name: 'cm-1', namespace });
      await eventually(() => events.includes('delete cm-1'), 'delete of cm-1');

      expect(events).toEqual(['add before-start 0', 'add cm-1 a', 'update cm-1 b', 'delete cm-1']);
      expect(informer.get('cm-1', namespace)).toBeUndefined();
      expect(informer.get('before-start', namespace)?.data?.v).toBe('0');
      expect(informer.restarts).toBe(0);
    } finally {
      await informer.stop();
      await core.deleteNamespacedConfigMap({ name: 'before-start', namespace }).catch(() => {});
    }
  });

  it('re-lists and keeps going when its resourceVersion has expired (410 Gone)', async () => {
    // A resource defined just now: its watch cache starts at the current
    // revision, so on any cluster, fresh or old, a watch from resourceVersion
    // 1 is answered 410 Gone ("too old resource version").
    const probes = await definePlural(kc, `probes${uniqueName('x').replace(/[^a-z0-9]/g, '')}`);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const coordinates = { group: probes.group, version: 'v1', namespace, plural: probes.plural };
    const create = (name: string) =>
      custom.createNamespacedCustomObject({
        ...coordinates,
        body: { apiVersion: `${probes.group}/v1`, kind: probes.kind, metadata: { name }, spec: {} },
      });
    try {
      await create('gone-1');
      let lists = 0;
      const base = await restClient();
      // The first list claims resourceVersion 1, so the watch that follows gets 410 Gone.
      class FirstListStale extends RestClient {
        override async get<T>(path: string, query?: Query): Promise<T> {
          const result = (await super.get(path, query)) as { metadata?: { resourceVersion?: string } };
          if (++lists === 1) result.metadata = { ...result.metadata, resourceVersion: '1' };
          return result as T;
        }
      }
      const source = listWatch<KubernetesObject>(new FirstListStale(base.config), {
        path: `/apis/${probes.group}/v1/namespaces/${namespace}/${probes.plural}`,
      });
      const informer = new ResilientInformer<KubernetesObject>({
        name: 'probes',
        source,
        restartBackoff: { baseDelayMs: 100, maxDelayMs: 1_000 },
      });
      const events: string[] = [];
      informer.addHandlers({
        add: (o) => events.push(`add ${o.metadata?.name}`),
        update: (o) => events.push(`update ${o.metadata?.name}`),
        delete: (o) => events.push(`delete ${o.metadata?.name}`),
      });
      try {
        await informer.start();
        await eventually(() => lists >= 2, 'a second list after 410');
        await informer.waitForSync();
        await create('gone-2');
        await eventually(() => events.includes('add gone-2'), 'add of gone-2 after the re-list');
        // The re-list itself was no error: no restart was needed.
        expect(informer.restarts).toBe(0);
        expect(events.filter((e) => e === 'add gone-1')).toHaveLength(1);
        // The re-list found gone-1 unchanged: no spurious update (and so no reconcile).
        expect(events.filter((e) => e.startsWith('update gone-1'))).toEqual([]);
        expect(
          informer
            .list(namespace)
            .map((o) => o.metadata?.name)
            .sort(),
        ).toEqual(['gone-1', 'gone-2']);
      } finally {
        await informer.stop();
      }
    } finally {
      await probes.remove();
    }
  });

  it('restarts with backoff after its connection is cut, and catches up on what changed meanwhile', async () => {
    const cluster = kc.getCurrentCluster();
    if (cluster === null) throw new Error('no current cluster');
    const proxy = new CuttableProxy(cluster.server);
    await proxy.start();
    const { informer, events } = configMapInformer(await restClient(proxy.url), 'three');
    try {
      await informer.start();
      await informer.waitForSync();
      await putConfigMap('three', 'cut-1', '1');
      await eventually(() => events.includes('add cut-1 1'), 'add of cut-1');

      await proxy.cut();
      await eventually(() => !informer.hasSynced, 'the informer to notice the cut');
      // Changes while the informer cannot reach the server.
      await putConfigMap('three', 'cut-1', '2');
      await putConfigMap('three', 'cut-2', '1');
      await eventually(() => informer.restarts >= 1, 'a failed restart while cut off');

      await proxy.restore();
      await eventually(() => informer.hasSynced, 'the informer to sync again');
      await eventually(
        () => events.includes('update cut-1 2') && events.includes('add cut-2 1'),
        'the changes made while cut off',
      );
      await putConfigMap('three', 'cut-3', '1');
      await eventually(() => events.includes('add cut-3 1'), 'a change made after recovery');
    } finally {
      await informer.stop();
      await proxy.stop();
    }
  });
});

/** Defines a namespaced custom resource with an open schema; resolves once it is served. */
async function definePlural(kc: KubeConfig, plural: string) {
  const group = 'gone.botcore.dev';
  const kind = `${plural[0]?.toUpperCase()}${plural.slice(1)}`;
  const extensions = kc.makeApiClient(ApiextensionsV1Api);
  const name = `${plural}.${group}`;
  await extensions.createCustomResourceDefinition({
    body: {
      metadata: { name },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural, singular: plural, kind, listKind: `${kind}List` },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
          },
        ],
      },
    },
  });
  const custom = kc.makeApiClient(CustomObjectsApi);
  // Established is not enough: the new watch cache answers 429 while it initialises,
  // and a list at resourceVersion 0 is served from that cache.
  await eventually(async () => {
    await custom.listClusterCustomObject({ group, version: 'v1', plural, resourceVersion: '0' });
    return true;
  }, `${name} to be served from its watch cache`);
  return {
    group,
    plural,
    kind,
    remove: () => extensions.deleteCustomResourceDefinition({ name }).then(() => undefined),
  };
}
