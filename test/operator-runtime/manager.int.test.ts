// The whole runtime on a real API server: two operator replicas (managers
// with leader election) run a controller that mirrors labelled ConfigMaps.
// Only the leader writes; after it shuts down the standby takes over and
// keeps reconciling; both serve /healthz, /readyz and /metrics. Results are
// read through a separate client, not the replicas' caches.
import {
  CoordinationV1Api,
  type CoreV1Api,
  type KubeConfig,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Controller } from '../../operator/runtime/controller.ts';
import { listWatch, ResilientInformer } from '../../operator/runtime/informer.ts';
import { parseKey } from '../../operator/runtime/keys.ts';
import { KubernetesLeaseStore } from '../../operator/runtime/lease-store.ts';
import { Manager } from '../../operator/runtime/manager.ts';
import { type RestClient, statusOf } from '../../operator/runtime/rest-client.ts';
import { eventually } from '../support/eventually.ts';
import { uniqueName } from '../support/kube.ts';
import { coreApi, createNamespace, deleteNamespace, kubeConfig, restClient } from './helpers.ts';

let kc: KubeConfig;
let core: CoreV1Api;
let namespace: string;
let rest: RestClient;

beforeAll(async () => {
  kc = kubeConfig();
  rest = await restClient();
  core = coreApi(kc);
  namespace = await createNamespace(core, 'rt-manager');
});

afterAll(async () => {
  await deleteNamespace(core, namespace);
});

/** One replica of a tiny operator: mirrors every ConfigMap labelled role=source into `<name>-mirror`. */
function operatorReplica(identity: string, leaseName: string) {
  const config = kubeConfig();
  const api = coreApi(config);
  const manager = new Manager({
    health: { port: 0, host: '127.0.0.1' },
    leaderElection: {
      identity,
      store: new KubernetesLeaseStore(config.makeApiClient(CoordinationV1Api), namespace, leaseName),
      leaseDurationMs: 3_000,
      renewDeadlineMs: 2_000,
      retryPeriodMs: 250,
    },
  });
  const sources = new ResilientInformer<V1ConfigMap>({
    name: 'source-configmaps',
    metrics: manager.metrics,
    source: listWatch<V1ConfigMap>(rest, {
      path: `/api/v1/namespaces/${namespace}/configmaps`,
      labelSelector: 'role=source',
    }),
  });
  const controller = new Controller({
    name: 'mirror',
    metrics: manager.metrics,
    concurrency: 2,
    reconcile: async (key) => {
      const { namespace: ns, name } = parseKey(key);
      if (ns === undefined) return;
      const source = sources.get(name, ns);
      const mirrorName = `${name}-mirror`;
      if (source === undefined) {
        await api.deleteNamespacedConfigMap({ name: mirrorName, namespace: ns }).catch((error: unknown) => {
          if (statusOf(error) !== 404) throw error;
        });
        return;
      }
      const body: V1ConfigMap = {
        metadata: { name: mirrorName, namespace: ns, annotations: { 'mirrored-by': identity } },
        data: source.data ?? {},
      };
      try {
        await api.replaceNamespacedConfigMap({ name: mirrorName, namespace: ns, body });
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
        await api.createNamespacedConfigMap({ namespace: ns, body });
      }
    },
  });
  controller.watch(sources);
  manager.add(controller);
  return { identity, manager };
}

async function readMirror(name: string): Promise<V1ConfigMap | undefined> {
  try {
    return await core.readNamespacedConfigMap({ name: `${name}-mirror`, namespace });
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

async function putSource(name: string, value: string): Promise<void> {
  const body: V1ConfigMap = { metadata: { name, namespace, labels: { role: 'source' } }, data: { value } };
  try {
    await core.replaceNamespacedConfigMap({ name, namespace, body });
  } catch {
    await core.createNamespacedConfigMap({ namespace, body });
  }
}

describe('Manager with two replicas on a real API server', () => {
  it('reconciles through the leader only, and through the standby after the leader shuts down', async () => {
    const leaseName = uniqueName('mirror-operator');
    const first = operatorReplica('replica-1', leaseName);
    const second = operatorReplica('replica-2', leaseName);
    try {
      await putSource('alpha', '1');
      const firstPorts = await first.manager.start();
      await eventually(() => first.manager.isLeader, 'replica-1 to lead');
      const secondPorts = await second.manager.start();
      await second.manager.waitForSync();

      const mirror = await eventually(() => readMirror('alpha'), 'the mirror of alpha');
      expect(mirror.data).toEqual({ value: '1' });
      expect(mirror.metadata?.annotations?.['mirrored-by']).toBe('replica-1');

      // Both replicas are ready (caches synced); only the leader reports leading.
      for (const port of [firstPorts.healthPort, secondPorts.healthPort]) {
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      }
      const leaderMetrics = await (await fetch(`http://127.0.0.1:${firstPorts.healthPort}/metrics`)).text();
      const standbyMetrics = await (await fetch(`http://127.0.0.1:${secondPorts.healthPort}/metrics`)).text();
      expect(leaderMetrics).toMatch(/botcore_operator_leader\{lease="[^"]+"\} 1/);
      expect(standbyMetrics).toMatch(/botcore_operator_leader\{lease="[^"]+"\} 0/);
      expect(leaderMetrics).toMatch(
        /botcore_operator_reconcile_total\{controller="mirror",result="success"\} [1-9]/,
      );
      expect(standbyMetrics).not.toMatch(/botcore_operator_reconcile_total\{controller="mirror"/);
      expect(second.manager.isLeader).toBe(false);

      await first.manager.stop();
      await eventually(() => second.manager.isLeader, 'replica-2 to lead');
      await putSource('alpha', '2');
      await putSource('beta', '1');
      await eventually(async () => {
        const m = await readMirror('alpha');
        return m?.data?.value === '2' && m.metadata?.annotations?.['mirrored-by'] === 'replica-2';
      }, 'alpha mirrored again by replica-2');
      await eventually(
        async () => (await readMirror('beta'))?.data?.value === '1',
        'beta mirrored by replica-2',
      );

      await core.deleteNamespacedConfigMap({ name: 'beta', namespace });
      await eventually(async () => (await readMirror('beta')) === undefined, 'the mirror of beta to go');
    } finally {
      await first.manager.stop();
      await second.manager.stop();
    }
  });
});
