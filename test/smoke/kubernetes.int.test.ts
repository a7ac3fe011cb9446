// The test API server is a real Kubernetes control plane: CRDs, informers,
// RBAC, and (with controller-manager, scheduler and kwok) Deployments whose
// Pods reach Running.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
  makeInformer,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBERNETES_VERSION } from '../servers/versions.ts';
import { eventually } from '../support/eventually.ts';
import { adminKubeConfig, ignoreNotFound, statusCode, testNamespace } from '../support/kube.ts';

const run = promisify(execFile);
const GROUP = 'smoke.botcore.dev';
const CRD_NAME = `widgets.${GROUP}`;

interface Widget extends KubernetesObject {
  spec: { size: number };
}

describe('Kubernetes API server', () => {
  const kc = adminKubeConfig();
  let namespace: { name: string; remove: () => Promise<void> };

  beforeAll(async () => {
    namespace = await testNamespace(kc, 'smoke');
  });
  afterAll(async () => {
    await namespace.remove();
  });

  it('reports its real version to kubectl', async () => {
    const { stdout } = await run(process.env.KUBECTL as string, ['version', '-o', 'json']);
    const version = JSON.parse(stdout) as { serverVersion: { gitVersion: string } };
    expect(version.serverVersion.gitVersion).toBe(KUBERNETES_VERSION);
  });

  it('serves a new CustomResourceDefinition and streams its objects to an informer', async () => {
    const extensions = kc.makeApiClient(ApiextensionsV1Api);
    await extensions.deleteCustomResourceDefinition({ name: CRD_NAME }).catch(ignoreNotFound);
    await eventually(
      async () =>
        (await extensions.listCustomResourceDefinition()).items.every((c) => c.metadata?.name !== CRD_NAME) ||
        undefined,
      'an earlier smoke CRD to go away',
    );
    await extensions.createCustomResourceDefinition({
      body: {
        metadata: { name: CRD_NAME },
        spec: {
          group: GROUP,
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      required: ['size'],
                      properties: { size: { type: 'integer', minimum: 1, maximum: 10 } },
                    },
                  },
                },
              },
            },
          ],
        },
      },
    });
    await eventually(async () => {
      const crd = await extensions.readCustomResourceDefinition({ name: CRD_NAME });
      return (
        crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') || undefined
      );
    }, 'the CRD to be Established');

    const custom = kc.makeApiClient(CustomObjectsApi);
    const coordinates = { group: GROUP, version: 'v1', namespace: namespace.name, plural: 'widgets' };
    // Established means the name is accepted; the REST handler may still 404 for a moment.
    await eventually(() => custom.listNamespacedCustomObject(coordinates), 'the new resource to be served');
    const informer = makeInformer<Widget>(kc, `/apis/${GROUP}/v1/namespaces/${namespace.name}/widgets`, () =>
      custom.listNamespacedCustomObject(coordinates),
    );
    const seen: Widget[] = [];
    const errors: unknown[] = [];
    informer.on('add', (widget) => seen.push(widget));
    informer.on('error', (error) => errors.push(error));
    await informer.start();
    try {
      await custom.createNamespacedCustomObject({
        ...coordinates,
        body: { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'first' }, spec: { size: 3 } },
      });
      const received = await eventually(
        async () => seen.find((w) => w.metadata?.name === 'first'),
        'the informer',
      );
      expect(received.spec.size).toBe(3);

      // The schema is enforced by the server itself.
      const invalid = custom.createNamespacedCustomObject({
        ...coordinates,
        body: { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'huge' }, spec: { size: 11 } },
      });
      await expect(invalid).rejects.toThrow(/spec.size/);
    } finally {
      await informer.stop();
      await extensions.deleteCustomResourceDefinition({ name: CRD_NAME }).catch(ignoreNotFound);
    }
  });

  it('enforces RBAC: a service account may do what its Role grants and nothing more', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const ns = namespace.name;
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'reader' } } });
    await rbac.createNamespacedRole({
      namespace: ns,
      body: {
        metadata: { name: 'configmap-reader' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }],
      },
    });
    const token = await core.createNamespacedServiceAccountToken({
      name: 'reader',
      namespace: ns,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });

    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('the admin kubeconfig has no cluster');
    const restricted = new KubeConfig();
    restricted.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'reader', token: token.status?.token }],
      contexts: [{ name: 'reader', cluster: cluster.name, user: 'reader' }],
      currentContext: 'reader',
    });
    const asReader = restricted.makeApiClient(CoreV1Api);

    // The RBAC authorizer learns of new Roles through its own watch: allow it a moment.
    const configMaps = await eventually(
      () => asReader.listNamespacedConfigMap({ namespace: ns }),
      'the Role to take effect for the service account',
    );
    expect(Array.isArray(configMaps.items)).toBe(true);
    const secrets = await asReader.listNamespacedSecret({ namespace: ns }).catch((error: unknown) => error);
    expect(statusCode(secrets)).toBe(403);
    const elsewhere = await asReader
      .listNamespacedConfigMap({ namespace: 'kube-system' })
      .catch((e: unknown) => e);
    expect(statusCode(elsewhere)).toBe(403);
  });

  it('runs a Deployment to Running Pods on kwok nodes (controller-manager, scheduler, kwok)', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const labels = { app: 'smoke-web' };
    await apps.createNamespacedDeployment({
      namespace: namespace.name,
      body: {
        metadata: { name: 'smoke-web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'web', image: 'registry.example/web:1' }] },
          },
        },
      },
    });
    const deployment = await eventually(
      async () => {
        const d = await apps.readNamespacedDeployment({ name: 'smoke-web', namespace: namespace.name });
        return d.status?.readyReplicas === 2 ? d : undefined;
      },
      'two ready replicas',
      { timeoutMs: 60_000 },
    );
    expect(deployment.status?.availableReplicas).toBe(2);
    const pods = await core.listNamespacedPod({ namespace: namespace.name, labelSelector: 'app=smoke-web' });
    expect(pods.items.map((p) => p.status?.phase)).toEqual(['Running', 'Running']);
    expect(pods.items.every((p) => p.spec?.nodeName?.startsWith('kwok-node-'))).toBe(true);
  });
});
