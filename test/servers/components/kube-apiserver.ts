import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeHttp } from '../probes.ts';
import type { Component, ServerContext } from './component.ts';
import { goRuntime } from './go-runtime.ts';

export const SERVICE_CIDR = '10.0.0.0/24';

/**
 * One tenant (the suites or the benchmark), no webhooks, no volumes: what a
 * shared production API server needs for fairness and for those features is
 * work per request here and buys nothing.
 */
export const apiserverTuning = [
  // Priority and fairness queues requests per tenant; with one tenant the
  // in-flight limits above are the whole protection needed.
  '--enable-priority-and-fairness=false',
  // Admission plugins for objects the suites never make (volumes, storage
  // and ingress classes, certificates, runtime classes, jobs, pod groups,
  // resizes) or with nothing configured (webhooks, admission policies).
  // Kept: NamespaceLifecycle, LimitRanger, ServiceAccount, PodSecurity (the
  // operator suite runs in a restricted namespace), Priority, ResourceQuota
  // (the failover suite), TaintNodesByCondition, DefaultTolerationSeconds.
  `--disable-admission-plugins=${[
    'DefaultStorageClass',
    'StorageObjectInUseProtection',
    'PersistentVolumeClaimResize',
    'PodGroupProtection',
    'PodGroupWorkloadExists',
    'RuntimeClass',
    'CertificateApproval',
    'CertificateSigning',
    'ClusterTrustBundleAttest',
    'CertificateSubjectRestriction',
    'DefaultIngressClass',
    'PodTopologyLabels',
    'NodeDeclaredFeatureValidator',
    'JobValidation',
    'PodResizeValidator',
    'MutatingAdmissionPolicy',
    'MutatingAdmissionWebhook',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionWebhook',
  ].join(',')}`,
];

export const kubeApiserver: Component = {
  name: 'kube-apiserver',
  wave: 2,
  binaryName: 'kube-apiserver',
  env: goRuntime('2GiB'),
  ports: (p) => [p.kubeApiserver],
  args: ({ ports, pki, stateDir }) => [
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${ports.kubeApiserver}`,
    `--cert-dir=${join(stateDir, 'apiserver-certs')}`,
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`,
    '--authorization-mode=RBAC',
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--allow-privileged=true',
    // BOTCORE_PROFILING=1 serves /debug/pprof (to see where the API server's CPU goes under load).
    `--profiling=${process.env.BOTCORE_PROFILING === '1'}`,
    // Room for the 1,000-bot benchmark: many controllers write at once here.
    '--max-requests-inflight=1000',
    '--max-mutating-requests-inflight=500',
    ...apiserverTuning,
  ],
  probe: (ctx) => probeApiserver(ctx, '/readyz'),
  startTimeoutMs: 90_000,
};

export function probeApiserver(ctx: ServerContext, path: string) {
  const admin = ctx.pki.client('admin');
  return probeHttp({
    url: `https://127.0.0.1:${ctx.ports.kubeApiserver}${path}`,
    expect: (status, body) => status === 200 && body.trim() === 'ok',
    tls: { ca: readFileSync(ctx.pki.caCert), cert: readFileSync(admin.cert), key: readFileSync(admin.key) },
  });
}
