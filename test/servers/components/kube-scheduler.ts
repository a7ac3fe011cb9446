import { probeHttp } from '../probes.ts';
import type { Component } from './component.ts';
import { goRuntime } from './go-runtime.ts';

// The client rate limit of a production scheduler for a thousand-odd pods
// (default 50 requests/s: one bind and one event per pod). Flags, not a
// KubeSchedulerConfiguration file: v1.36 still honours them without --config.
export const schedulerTuning = ['--kube-api-qps=300', '--kube-api-burst=600'];

export const kubeScheduler: Component = {
  name: 'kube-scheduler',
  wave: 3,
  binaryName: 'kube-scheduler',
  env: goRuntime('512MiB'),
  ports: (p) => [p.kubeScheduler],
  args: (ctx) => {
    const kubeconfig = ctx.kubeconfig('scheduler');
    return [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${ctx.ports.kubeScheduler}`,
      '--leader-elect=false',
      ...schedulerTuning,
    ];
  },
  probe: ({ ports }) =>
    probeHttp({
      url: `https://127.0.0.1:${ports.kubeScheduler}/healthz`,
      expect: (status) => status === 200,
      tls: { insecure: true },
    }),
  startTimeoutMs: 60_000,
};
