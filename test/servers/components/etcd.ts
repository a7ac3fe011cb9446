import { join } from 'node:path';
import { probeHttp } from '../probes.ts';
import type { Component } from './component.ts';
import { goRuntime } from './go-runtime.ts';

export const etcd: Component = {
  name: 'etcd',
  wave: 1,
  binaryName: 'etcd',
  env: goRuntime('1GiB'),
  ports: (p) => [p.etcdClient, p.etcdPeer],
  dataDirs: (ctx) => [join(ctx.stateDir, 'data', 'etcd')],
  args: ({ ports, stateDir }) => {
    const client = `http://127.0.0.1:${ports.etcdClient}`;
    const peer = `http://127.0.0.1:${ports.etcdPeer}`;
    return [
      '--name=botcore-test',
      `--data-dir=${join(stateDir, 'data', 'etcd')}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=botcore-test=${peer}`,
      // Throwaway test data: durability is not worth the fsync latency.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ];
  },
  probe: ({ ports }) =>
    probeHttp({
      url: `http://127.0.0.1:${ports.etcdClient}/health`,
      expect: (status, body) => status === 200 && body.includes('"health":"true"'),
    }),
  startTimeoutMs: 30_000,
};
