// A rendered Deployment's container as a local process: what the kubelet
// would do with it, on this machine. The runtime image's entrypoint is the
// `botcore` CLI (the package's bin), so the container's args follow
// `node bot-runtime/cli/botcore.ts`. Env values come from `value`,
// `configMapKeyRef` and `secretKeyRef`, read from the API server as the
// kubelet reads them; each ConfigMap volume is written to a folder of its own,
// and env values under its mount path (`BOTCORE_CONFIG=/etc/botcore/config.json`)
// point into that folder instead. emptyDir volumes get an empty folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Deployment, V1EnvVar } from '@kubernetes/client-node';
import type { Clients } from '../operator/harness.ts';

export interface LocalPod {
  /** The Deployment's name. */
  readonly name: string;
  readonly args: readonly string[];
  /** The container's environment, resolved. */
  readonly env: Readonly<Record<string, string>>;
  /** Where each volume mount lives on this machine. */
  readonly mounts: ReadonlyArray<{ readonly mountPath: string; readonly dir: string }>;
}

export async function localPod(c: Clients, deployment: V1Deployment, workDir: string): Promise<LocalPod> {
  const name = deployment.metadata?.name ?? '';
  const namespace = deployment.metadata?.namespace ?? '';
  const pod = deployment.spec?.template.spec;
  const container = pod?.containers[0];
  if (!pod || !container) throw new Error(`${name} renders no container`);
  if (container.command?.length)
    throw new Error(`${name} overrides the image's entrypoint: ${container.command}`);

  const mounts: { mountPath: string; dir: string }[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    const dir = join(workDir, name, mount.name);
    mkdirSync(dir, { recursive: true });
    if (volume?.configMap) {
      const cm = await c.core.readNamespacedConfigMap({ namespace, name: volume.configMap.name ?? '' });
      for (const [file, text] of Object.entries(cm.data ?? {})) writeFileSync(join(dir, file), text);
    } else if (!volume?.emptyDir) {
      throw new Error(`${name}: volume ${mount.name} is neither a ConfigMap nor an emptyDir`);
    }
    mounts.push({ mountPath: mount.mountPath, dir });
  }
  // Longest mount path first, so /etc/botcore/x wins over /etc.
  const byDepth = [...mounts].sort((a, b) => b.mountPath.length - a.mountPath.length);
  const local = (value: string) => {
    const m = byDepth.find((x) => value === x.mountPath || value.startsWith(`${x.mountPath}/`));
    return m ? m.dir + value.slice(m.mountPath.length) : value;
  };

  const env: Record<string, string> = {};
  for (const variable of container.env ?? [])
    env[variable.name] = local(await resolve(c, namespace, variable));
  return { name, args: container.args ?? [], env, mounts };
}

async function resolve(c: Clients, namespace: string, variable: V1EnvVar): Promise<string> {
  if (variable.value !== undefined) return variable.value;
  const cmRef = variable.valueFrom?.configMapKeyRef;
  if (cmRef) {
    const cm = await c.core.readNamespacedConfigMap({ namespace, name: cmRef.name ?? '' });
    const value = cm.data?.[cmRef.key];
    if (value === undefined) throw new Error(`ConfigMap ${cmRef.name} has no key ${cmRef.key}`);
    return value;
  }
  const secretRef = variable.valueFrom?.secretKeyRef;
  if (secretRef) {
    const secret = await c.core.readNamespacedSecret({ namespace, name: secretRef.name ?? '' });
    const value = secret.data?.[secretRef.key];
    // Never the value in a message: only which Secret and key.
    if (value === undefined) throw new Error(`Secret ${secretRef.name} has no key ${secretRef.key}`);
    return Buffer.from(value, 'base64').toString('utf8');
  }
  throw new Error(`env ${variable.name}: unsupported source`);
}
