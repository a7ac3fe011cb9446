// Every server the tests run, pinned. A Go wrapper module under ./go/<name>
// builds the ones that come from Go modules; its go.mod and go.sum pin them.

export const KUBERNETES_VERSION = 'v1.36.3';
/** Published in the same release train; the wrapper replaces each staging module with it. */
export const KUBERNETES_STAGING_VERSION = 'v0.36.3';
export const ETCD_VERSION = 'v3.5.35';
export const KWOK_VERSION = 'v0.8.0';
export const HELM_VERSION = 'v3.22.0';
export const FERRETDB_VERSION = 'v1.24.0';

export interface GoBuild {
  /** Folder under test/servers/go holding the wrapper module. */
  readonly module: string;
  readonly version: string;
  /** Binaries the build produces, by name. */
  readonly binaries: readonly string[];
  /** Main packages to build; `tool` builds every tool directive of the module. */
  readonly packages: readonly string[];
  /** Linker flags, so the binaries report their real version. */
  readonly ldflags: readonly string[];
  /** Why the tests need it, printed before a cold build. */
  readonly why: string;
  /** Files from a module's source copied beside the binaries (into `assets/`). */
  readonly assets?: { readonly module: string; readonly files: readonly string[] };
}

const kubeVersionFlags = (version: string): string[] => {
  const [major, minor] = version.replace(/^v/, '').split('.');
  return [
    `-X k8s.io/component-base/version.gitVersion=${version}`,
    `-X k8s.io/component-base/version.gitMajor=${major}`,
    `-X k8s.io/component-base/version.gitMinor=${minor}`,
    '-X k8s.io/component-base/version.gitTreeState=clean',
    `-X k8s.io/client-go/pkg/version.gitVersion=${version}`,
  ];
};

export const GO_BUILDS: readonly GoBuild[] = [
  {
    module: 'etcd',
    version: ETCD_VERSION,
    binaries: ['etcd'],
    packages: ['.'],
    ldflags: [],
    why: 'the Kubernetes API server stores everything in etcd 3.5 (Debian ships only 3.4)',
  },
  {
    module: 'kubernetes',
    version: KUBERNETES_VERSION,
    binaries: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'],
    packages: ['tool'],
    ldflags: kubeVersionFlags(KUBERNETES_VERSION),
    why: 'a real control plane for the operator and the API tests (no release binaries can be downloaded here)',
  },
  {
    module: 'kwok',
    version: KWOK_VERSION,
    binaries: ['kwok'],
    packages: ['tool'],
    ldflags: [],
    why: 'fake nodes, so that Deployments get Pods that reach Running without kubelets',
    // kwok's own stage definitions: how a fake node and its pods move through their lifecycle.
    assets: {
      module: 'sigs.k8s.io/kwok',
      files: [
        'kustomize/stage/node/fast/node-initialize.yaml',
        'kustomize/stage/node/heartbeat/node-heartbeat.yaml',
        'kustomize/stage/pod/fast/pod-ready.yaml',
        'kustomize/stage/pod/fast/pod-complete.yaml',
        'kustomize/stage/pod/fast/pod-delete.yaml',
      ],
    },
  },
  {
    module: 'helm',
    version: HELM_VERSION,
    binaries: ['helm'],
    packages: ['tool'],
    ldflags: [`-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`],
    why: 'installs and templates the Helm chart in end-to-end tests',
  },
  {
    module: 'ferretdb',
    version: FERRETDB_VERSION,
    binaries: ['ferretdb'],
    packages: ['.'],
    ldflags: [],
    why: 'a MongoDB wire-protocol server (embedded SQLite backend) for durable runtime state',
  },
];

/** Servers that come from Debian packages, with the package that provides each. */
export const DEBIAN_PACKAGES = [
  { binary: 'nats-server', pkg: 'nats-server', why: 'NATS with JetStream, the runtime bus' },
  { binary: 'redis-server', pkg: 'redis-server', why: 'Redis, the runtime hot-state cache' },
  { binary: 'openssl', pkg: 'openssl', why: 'the test control plane certificates' },
  { binary: 'chromium', pkg: 'chromium', why: 'the status page browser test (playwright-core drives it)' },
] as const;
