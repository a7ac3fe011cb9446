// Where the API server is and how to authenticate, read from a kubeconfig or
// the pod's service account, without client-node: loading client-node costs
// a process about 85 MB (it pulls in every generated model and API), more
// than the operator's whole cache. Kubeconfigs that need an auth plugin
// (`exec`, `auth-provider`) fall back to client-node, loaded only then.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

export interface RestConfig {
  /** e.g. `https://127.0.0.1:6443`. */
  readonly server: string;
  /** PEM of the CA that signed the server's certificate (default: the system's). */
  readonly ca?: string;
  /** Client certificate and key (PEM). */
  readonly cert?: string;
  readonly key?: string;
  readonly insecureSkipTlsVerify?: boolean;
  /** The server name to verify when it differs from the host. */
  readonly tlsServerName?: string;
  /** A bearer token, read on every request (projected service-account tokens rotate). */
  readonly token?: () => string | undefined;
  /** Extra headers per request (an auth plugin's), when the kubeconfig needs one. */
  readonly headers?: () => Promise<Record<string, string>>;
}

const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * As client-node's `loadFromDefault` (the first file only when $KUBECONFIG
 * lists several): `path`, else $KUBECONFIG, else ~/.kube/config, else the
 * in-cluster service account.
 */
export async function loadRestConfig(path?: string): Promise<RestConfig> {
  const candidates = [
    path,
    ...(process.env.KUBECONFIG ?? '').split(':'),
    join(homedir(), '.kube', 'config'),
  ].filter((p): p is string => p !== undefined && p !== '');
  for (const file of candidates) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if (file === path) throw error;
      continue;
    }
    return fromKubeconfig(text, file);
  }
  return inCluster();
}

export function inCluster(): RestConfig {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT ?? '443';
  if (host === undefined) throw new Error('no kubeconfig found and not running in a pod');
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    server,
    ca: readFileSync(join(serviceAccountDir, 'ca.crt'), 'utf8'),
    token: fileToken(join(serviceAccountDir, 'token')),
  };
}

interface Named<T> {
  readonly name: string;
  readonly [key: string]: unknown;
  readonly cluster?: T;
  readonly user?: T;
  readonly context?: T;
}
type Entry = Record<string, unknown>;

async function fromKubeconfig(text: string, file: string): Promise<RestConfig> {
  const { parse } = await import('yaml');
  const doc = (parse(text) ?? {}) as {
    'current-context'?: string;
    contexts?: Array<Named<Entry>>;
    clusters?: Array<Named<Entry>>;
    users?: Array<Named<Entry>>;
  };
  const pick = <T>(list: Array<Named<T>> | undefined, name: string | undefined, what: string) => {
    const found = list?.find((e) => e.name === name) ?? (name === undefined ? list?.[0] : undefined);
    if (found === undefined) throw new Error(`${file}: no ${what} named "${name ?? ''}"`);
    return found;
  };
  const context = pick(doc.contexts, doc['current-context'], 'context').context ?? {};
  const cluster = pick(doc.clusters, context.cluster as string | undefined, 'cluster').cluster ?? {};
  const user = context.user === undefined ? {} : (pick(doc.users, context.user as string, 'user').user ?? {});
  const base = dirname(file);
  const str = (entry: Entry, key: string) => (typeof entry[key] === 'string' ? entry[key] : undefined);
  const pem = (entry: Entry, key: string): string | undefined => {
    const data = str(entry, `${key}-data`);
    if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
    const ref = str(entry, key);
    return ref === undefined ? undefined : readFileSync(isAbsolute(ref) ? ref : join(base, ref), 'utf8');
  };
  const server = str(cluster, 'server');
  if (server === undefined) throw new Error(`${file}: the current cluster has no server`);
  const token = str(user, 'token');
  const tokenFile = str(user, 'tokenFile');
  const username = str(user, 'username');
  const password = str(user, 'password');
  const config: RestConfig = {
    server: server.replace(/\/+$/, ''),
    ...optional('ca', pem(cluster, 'certificate-authority')),
    ...optional('cert', pem(user, 'client-certificate')),
    ...optional('key', pem(user, 'client-key')),
    ...optional('tlsServerName', str(cluster, 'tls-server-name')),
    ...(cluster['insecure-skip-tls-verify'] === true ? { insecureSkipTlsVerify: true } : {}),
    ...(token !== undefined
      ? { token: () => token }
      : tokenFile !== undefined
        ? { token: fileToken(isAbsolute(tokenFile) ? tokenFile : join(base, tokenFile)) }
        : {}),
  };
  if (username !== undefined && password !== undefined) {
    const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    return { ...config, headers: async () => ({ authorization: basic }) };
  }
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    return { ...config, headers: await pluginHeaders(file) };
  }
  return config;
}

/** Auth plugins are client-node's job; the operator pays for loading it only with such a kubeconfig. */
async function pluginHeaders(file: string): Promise<() => Promise<Record<string, string>>> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return async () => {
    const options: { headers?: Record<string, string> } = {};
    await kc.applyToHTTPSOptions(options as never);
    return options.headers ?? {};
  };
}

/** A token file, read again at most once a minute (the kubelet rotates projected tokens). */
function fileToken(path: string): () => string {
  let cached: { value: string; at: number } | undefined;
  return () => {
    const now = Date.now();
    if (cached === undefined || now - cached.at > 60_000) {
      cached = { value: readFileSync(path, 'utf8').trim(), at: now };
    }
    return cached.value;
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
