// The operator works with only the permissions in operator/rbac/: the
// manifests are applied, a token for its ServiceAccount is minted with the
// TokenRequest API, and the real operator runs with a kubeconfig holding
// that token (leader election included) through a bot's whole life.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizationV1Api,
  CoordinationV1Api,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { eventually } from '../support/eventually.ts';
import { uniqueName } from '../support/kube.ts';
import {
  botManifest,
  type Clients,
  clients,
  condition,
  createBot,
  createNamespace,
  createPolicy,
  executor,
  healthyReport,
  installCrds,
  keepReporting,
  mergePatch,
  natsConnection,
  type OperatorProcess,
  readBot,
  readPolicy,
  removeNamespace,
  root,
  startOperatorProcess,
  waitForBot,
  waitForEvent,
} from './harness.ts';

const serviceAccount = 'system:serviceaccount:botcore-system:botcore-operator';
let c: Clients;
let ns: string;
let nc: NatsConnection;
let operator: OperatorProcess;
let kubeconfigPath: string;
const leaseName = uniqueName('rbac-test');
const stops: Array<() => void> = [];

async function applyRbacManifests(): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(c.kc);
  const dir = join(root, 'operator', 'rbac');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort((a) => (a === 'namespace.yaml' ? -1 : 1));
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const object = doc.toJS() as KubernetesObject;
      await api.patch(object, undefined, undefined, 'botcore-tests', true, PatchStrategy.ServerSideApply);
    }
  }
}

async function tokenKubeConfig(): Promise<string> {
  const token = await c.core.createNamespacedServiceAccountToken({
    name: 'botcore-operator',
    namespace: 'botcore-system',
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const cluster = c.kc.getCurrentCluster();
  if (cluster === null) throw new Error('no current cluster');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'botcore-operator', token: token.status?.token ?? '' }],
    contexts: [{ name: 'operator', cluster: cluster.name, user: 'botcore-operator' }],
    currentContext: 'operator',
  });
  const path = join(mkdtempSync(join(tmpdir(), 'botcore-rbac-')), 'kubeconfig');
  writeFileSync(path, kc.exportConfig(), { mode: 0o600 });
  return path;
}

async function allowed(
  verb: string,
  group: string,
  resource: string,
  subresource?: string,
): Promise<boolean> {
  const review = await c.kc.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
    body: {
      spec: {
        user: serviceAccount,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:botcore-system', 'system:authenticated'],
        resourceAttributes: { verb, group, resource, ...(subresource === undefined ? {} : { subresource }) },
      },
    },
  });
  return review.status?.allowed === true;
}

beforeAll(async () => {
  c = clients();
  await installCrds(c.kc);
  await applyRbacManifests();
  kubeconfigPath = await tokenKubeConfig();
  ns = await createNamespace(c, 'op-rbac');
  nc = await natsConnection();
  operator = startOperatorProcess({
    namespace: ns,
    args: [
      '--kubeconfig',
      kubeconfigPath,
      '--leader-election-namespace',
      'botcore-system',
      '--lease-name',
      leaseName,
    ],
    env: { KUBECONFIG: '' },
  });
  await operator.healthPort();
});

afterAll(async () => {
  for (const stop of stops) stop();
  await operator?.stop();
  await nc?.drain();
  await c.kc
    .makeApiClient(CoordinationV1Api)
    .deleteNamespacedLease({ name: leaseName, namespace: 'botcore-system' })
    .catch(() => {});
  if (ns) await removeNamespace(c, ns);
});

describe('RBAC', () => {
  it('has an operator Deployment the API server accepts, running as that ServiceAccount', async () => {
    const api = KubernetesObjectApi.makeApiClient(c.kc);
    const [deployment] = parseAllDocuments(
      readFileSync(join(root, 'operator', 'deploy', 'operator.yaml'), 'utf8'),
    ).map(
      (d) => d.toJS() as KubernetesObject & { spec: { template: { spec: { serviceAccountName: string } } } },
    );
    if (deployment === undefined) throw new Error('no Deployment in operator/deploy/operator.yaml');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('botcore-operator');
    const accepted = await api.create(deployment, undefined, 'All');
    expect(accepted.metadata?.namespace).toBe('botcore-system');
  });

  it('grants cluster-wide what the informers need, and nothing it does not use', async () => {
    for (const [group, resource] of [
      ['trading.botcore.dev', 'tradingbots'],
      ['trading.botcore.dev', 'riskpolicies'],
      ['apps', 'deployments'],
      ['', 'configmaps'],
      ['', 'services'],
      ['', 'serviceaccounts'],
      ['networking.k8s.io', 'networkpolicies'],
    ] as const) {
      expect(await allowed('list', group, resource)).toBe(true);
      expect(await allowed('watch', group, resource)).toBe(true);
    }
    expect(await allowed('update', 'trading.botcore.dev', 'tradingbots', 'status')).toBe(true);
    // Least privilege: no Secrets, no pods, no deleting the custom resources, no RBAC.
    expect(await allowed('get', '', 'secrets')).toBe(false);
    expect(await allowed('list', '', 'secrets')).toBe(false);
    expect(await allowed('create', '', 'pods')).toBe(false);
    expect(await allowed('delete', 'trading.botcore.dev', 'tradingbots')).toBe(false);
    expect(await allowed('update', 'trading.botcore.dev', 'tradingbots')).toBe(false);
    expect(await allowed('create', 'rbac.authorization.k8s.io', 'roles')).toBe(false);
  });

  it('runs a bot through its life under the service account', async () => {
    await eventually(
      async () => operator.isLeader() || undefined,
      'the operator to lead (Lease in botcore-system)',
    );
    await createPolicy(c, ns, 'guard');
    await createBot(c, ns, botManifest('scoped', { riskPolicyRef: { name: 'guard' } }));
    stops.push(keepReporting(nc, ns, 'scoped', () => healthyReport({ equity: '1000' })));
    await waitForBot(c, ns, 'scoped', 'Ready', (b) => condition(b, 'Ready')?.status === 'True');
    await eventually(
      async () => ((await readPolicy(c, ns, 'guard'))?.status?.boundBots === 1 ? true : undefined),
      'policy status',
    );
    await waitForEvent(c, ns, 'scoped', 'BotReady');

    // Prune (delete) and drift correction (patch) under the same rules.
    await mergePatch(c, ns, 'tradingbots', 'scoped', {
      spec: { strategies: [{ name: 'trend', type: 'macd', macd: {} }] },
    });
    await waitForEvent(c, ns, 'scoped', 'Pruned');

    // Finalizers (patch) on both kinds, and their removal on deletion.
    const exec = executor(nc, ns, 'scoped', { ok: true });
    try {
      await c.custom.deleteNamespacedCustomObject({
        group: 'trading.botcore.dev',
        version: 'v1alpha1',
        namespace: ns,
        plural: 'tradingbots',
        name: 'scoped',
      });
      await eventually(
        async () => ((await readBot(c, ns, 'scoped')) === undefined ? true : undefined),
        'bot deleted',
      );
    } finally {
      exec.stop();
    }
    await c.custom.deleteNamespacedCustomObject({
      group: 'trading.botcore.dev',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'riskpolicies',
      name: 'guard',
    });
    await eventually(
      async () => ((await readPolicy(c, ns, 'guard')) === undefined ? true : undefined),
      'policy deleted',
    );

    // Only what the operator said counts: a timestamp or pid can contain "403" too.
    const said = ({ time: _t, pid: _p, hostname: _h, ...rest }: Record<string, unknown>) =>
      JSON.stringify(rest);
    const denied = operator.logs.filter((l) => /forbidden|\b403\b/i.test(said(l)));
    expect(denied).toEqual([]);
    expect(operator.logs.filter((l) => l.level === 'error')).toEqual([]);
  });
});
