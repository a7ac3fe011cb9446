// helm is real and can install a chart into the test cluster.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELM_VERSION } from '../servers/versions.ts';
import { adminKubeConfig, testNamespace } from '../support/kube.ts';

const run = promisify(execFile);

describe('helm', () => {
  const kc = adminKubeConfig();
  let namespace: { name: string; remove: () => Promise<void> };
  let chartDir: string;

  beforeAll(async () => {
    namespace = await testNamespace(kc, 'smoke-helm');
    chartDir = await mkdtemp(join(tmpdir(), 'botcore-chart-'));
    await mkdir(join(chartDir, 'templates'));
    await writeFile(join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: smoke\nversion: 0.1.0\n');
    await writeFile(join(chartDir, 'values.yaml'), 'greeting: hello\n');
    await writeFile(
      join(chartDir, 'templates', 'configmap.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-greeting\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
    );
  });
  afterAll(async () => {
    await namespace.remove();
    await rm(chartDir, { recursive: true, force: true });
  });

  it('reports its pinned version', async () => {
    const { stdout } = await run(process.env.HELM as string, ['version', '--template', '{{.Version}}']);
    expect(stdout.trim()).toBe(HELM_VERSION);
  });

  it('installs a chart into the test cluster', async () => {
    await run(process.env.HELM as string, [
      'install',
      'smoke',
      chartDir,
      '--namespace',
      namespace.name,
      '--set',
      'greeting=bonjour',
      '--wait',
    ]);
    const core = kc.makeApiClient(CoreV1Api);
    const configMap = await core.readNamespacedConfigMap({
      name: 'smoke-greeting',
      namespace: namespace.name,
    });
    expect(configMap.data?.greeting).toBe('bonjour');
  });
});
