import { probeHttp } from '../probes.ts';
import type { Component } from './component.ts';

export const kubeScheduler: Component = {
  name: 'kube-scheduler',
  wave: 3,
  binaryName: 'kube-scheduler',
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
