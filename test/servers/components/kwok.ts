import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { probeHttp } from '../probes.ts';
import type { Component, ServerContext } from './component.ts';
import { goRuntime } from './go-runtime.ts';

const run = promisify(execFile);

/** Stage files the kwok build copies beside its binary (see versions.ts). */
const KWOK_STAGES = [
  'node-initialize.yaml',
  'node-heartbeat.yaml',
  'pod-ready.yaml',
  'pod-complete.yaml',
  'pod-delete.yaml',
];

/** Pod-stage parallelism of a production-sized kwok (see the file). */
export const KWOK_TUNING = fileURLToPath(new URL('kwok-tuning.yaml', import.meta.url));

/** kwok manages only nodes carrying this annotation, so real nodes (none here) are never touched. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
export const FAKE_NODE_COUNT = 4;

export const kwok: Component = {
  name: 'kwok',
  wave: 3,
  binaryName: 'kwok',
  env: goRuntime('512MiB'),
  ports: (p) => [p.kwok],
  args: (ctx) => [
    `--kubeconfig=${ctx.kubeconfig('kwok')}`,
    '--manage-all-nodes=false',
    `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
    '--cidr=10.244.0.0/16',
    '--node-ip=10.10.0.1',
    `--server-address=127.0.0.1:${ctx.ports.kwok}`,
    `--config=${KWOK_TUNING}`,
    ...KWOK_STAGES.map((stage) => `--config=${join(dirname(ctx.binary('kwok')), 'assets', stage)}`),
  ],
  probe: ({ ports }) =>
    probeHttp({ url: `http://127.0.0.1:${ports.kwok}/healthz`, expect: (status) => status === 200 }),
  afterStart: createFakeNodes,
  startTimeoutMs: 30_000,
};

/** Fake nodes roomy enough for the 1,000-bot benchmark (several pods per bot). */
async function createFakeNodes(ctx: ServerContext): Promise<void> {
  const nodes = Array.from({ length: FAKE_NODE_COUNT }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `kwok-node-${i}`,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        type: 'kwok',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': `kwok-node-${i}`,
        'topology.kubernetes.io/zone': `zone-${i % 2}`,
      },
    },
    spec: {},
    status: {
      allocatable: { cpu: '256', memory: '1Ti', pods: '2000' },
      capacity: { cpu: '256', memory: '1Ti', pods: '2000' },
    },
  }));
  const manifest = nodes.map((node) => stringify(node)).join('---\n');
  const child = run(ctx.binary('kubectl'), ['--kubeconfig', ctx.kubeconfig('admin'), 'apply', '-f', '-']);
  child.child.stdin?.end(manifest);
  await child;
}
