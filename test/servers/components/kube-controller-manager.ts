import { probeHttp } from '../probes.ts';
import type { Component } from './component.ts';

// Runs the built-in controllers (Deployments, ReplicaSets, service accounts,
// garbage collection) so that end-to-end suites see real Pods and owner-based cleanup.
//
// Tuned as a production control plane for a thousand-odd workloads is, not
// left at the defaults (20 requests/s, 5 Deployment and 5 ReplicaSet
// workers), which roll out only about 5 ReplicaSets a second and would make
// the operator benchmark measure the test cluster instead of the operator.
export const controllerManagerTuning = [
  '--kube-api-qps=300',
  '--kube-api-burst=600',
  '--concurrent-deployment-syncs=50',
  '--concurrent-replicaset-syncs=50',
];

export const kubeControllerManager: Component = {
  name: 'kube-controller-manager',
  wave: 3,
  binaryName: 'kube-controller-manager',
  ports: (p) => [p.kubeControllerManager],
  args: (ctx) => {
    const kubeconfig = ctx.kubeconfig('controllerManager');
    return [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${ctx.ports.kubeControllerManager}`,
      '--leader-elect=false',
      '--use-service-account-credentials=true',
      `--root-ca-file=${ctx.pki.caCert}`,
      `--service-account-private-key-file=${ctx.pki.serviceAccountKey}`,
      `--cluster-signing-cert-file=${ctx.pki.caCert}`,
      `--cluster-signing-key-file=${ctx.pki.caKey}`,
      ...controllerManagerTuning,
    ];
  },
  probe: ({ ports }) =>
    probeHttp({
      url: `https://127.0.0.1:${ports.kubeControllerManager}/healthz`,
      expect: (status) => status === 200,
      tls: { insecure: true },
    }),
  startTimeoutMs: 60_000,
};
