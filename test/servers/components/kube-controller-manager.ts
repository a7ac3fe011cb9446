import { probeHttp } from '../probes.ts';
import type { Component } from './component.ts';
import { goRuntime } from './go-runtime.ts';

// Runs the built-in controllers (Deployments, ReplicaSets, service accounts,
// garbage collection) so that end-to-end suites see real Pods and owner-based cleanup.
//
// Tuned as a production control plane for a thousand-odd workloads is, not
// left at the defaults (20 requests/s, 5 Deployment and 5 ReplicaSet
// workers), which roll out only about 5 ReplicaSets a second and would make
// the operator benchmark measure the test cluster instead of the operator.
export const controllerManagerTuning = [
  // Only the controllers the suites and the benchmark need, not the ~40 on by
  // default: each pod, ReplicaSet and Deployment event otherwise also goes
  // through the handlers of jobs, daemon sets, stateful sets, disruption
  // budgets, volumes, endpoints, node lifecycle and more, none of which has
  // anything to do here. Rollouts (deployment, replicaset), node health
  // (node-lifecycle: it lifts the not-ready taint new nodes get, so pods
  // schedule), owner-based deletion (garbage-collector), namespace deletion, the default
  // ServiceAccount and its tokens and CA ConfigMap (serviceaccount*,
  // root-ca-certificate-publisher), ResourceQuota status (resourcequota: the
  // quota admission refuses creates until it is computed), the aggregated
  // admin/edit/view roles, pod garbage collection and ServiceCIDR bookkeeping.
  // A suite that needs another controller adds it here.
  `--controllers=${[
    'deployment-controller',
    'replicaset-controller',
    'node-lifecycle-controller',
    'garbage-collector-controller',
    'namespace-controller',
    'serviceaccount-controller',
    'serviceaccount-token-controller',
    'root-ca-certificate-publisher-controller',
    'resourcequota-controller',
    'clusterrole-aggregation-controller',
    'pod-garbage-collector-controller',
    'service-cidr-controller',
  ].join(',')}`,
  '--kube-api-qps=300',
  '--kube-api-burst=600',
  '--concurrent-deployment-syncs=50',
  '--concurrent-replicaset-syncs=50',
];

export const kubeControllerManager: Component = {
  name: 'kube-controller-manager',
  wave: 3,
  binaryName: 'kube-controller-manager',
  env: goRuntime('1GiB'),
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
