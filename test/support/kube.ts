// Shared helpers for integration suites that talk to the test API server.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';

/** The admin kubeconfig that the vitest global setup exported as KUBECONFIG. */
export function adminKubeConfig(): KubeConfig {
  const path = process.env.KUBECONFIG;
  if (!path)
    throw new Error('KUBECONFIG is not set: run integration tests through vitest (npm run test:integration)');
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** A name no other test run has used: `prefix` and six random hex digits. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** A fresh namespace named after the suite; delete it with the returned function. */
export async function testNamespace(
  kc: KubeConfig,
  prefix: string,
): Promise<{ name: string; remove: () => Promise<void> }> {
  const core = kc.makeApiClient(CoreV1Api);
  const name = uniqueName(prefix);
  await core.createNamespace({ body: { metadata: { name, labels: { 'botcore.dev/test': prefix } } } });
  return {
    name,
    remove: async () => {
      await core.deleteNamespace({ name }).catch(ignoreNotFound);
    },
  };
}

export function statusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

export function ignoreNotFound(error: unknown): void {
  if (statusCode(error) !== 404) throw error;
}

/**
 * Applies the project's CRDs exactly as `kubectl apply` would and waits until
 * they are served. (Creating them through client-node's typed API would drop
 * `default` and `x-kubernetes-*` keys, which its models spell differently.)
 */
export async function applyProjectCrds(): Promise<void> {
  const kubectl = process.env.KUBECTL;
  if (!kubectl)
    throw new Error('KUBECTL is not set: run integration tests through vitest (npm run test:integration)');
  const crds = new URL('../../crds/', import.meta.url).pathname;
  const run = promisify(execFile);
  await run(kubectl, [
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager=botcore-tests',
    '-f',
    crds,
  ]);
  await run(kubectl, ['wait', '--for=condition=Established', '--timeout=60s', '-f', crds]);
}
