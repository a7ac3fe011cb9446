// One Deployment per runtime role: the feed, the executor, and each strategy.
// All run the same image with the role as an argument, under the restricted
// Pod Security profile, with probes and resources.
import type { V1Container, V1Deployment, V1EnvVar, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { TradingBot } from '../../crds/index.ts';
import {
  credentialEnv,
  type RuntimeRole,
  runtimeArgs,
  runtimeFiles,
} from '../../crds/runtime-config/index.ts';
import { annotationKeys, childNames, labelKeys, roleLabels, selectorLabels } from './labels.ts';
import { childMetadata } from './owner.ts';
import { defaultStatusKeysSecret, type RenderSettings } from './settings.ts';

export const defaultResources = { cpu: '100m', memory: '256Mi' } as const;
const runtimeUid = 65532;

export interface WorkloadInput {
  readonly bot: TradingBot;
  readonly settings: RenderSettings;
  readonly configHash: string;
}

export interface RenderedWorkload {
  readonly role: RuntimeRole;
  readonly strategy?: string;
  readonly deployment: V1Deployment;
}

/** Every Deployment the bot wants: feed, executor, then one per strategy. */
export function renderDeployments(input: WorkloadInput): RenderedWorkload[] {
  const name = input.bot.metadata.name ?? '';
  return [
    { role: 'feed', deployment: renderDeployment(input, 'feed', childNames.feed(name)) },
    { role: 'executor', deployment: renderDeployment(input, 'executor', childNames.executor(name)) },
    ...input.bot.spec.strategies.map((s) => ({
      role: 'strategy' as const,
      strategy: s.name,
      deployment: renderDeployment(input, 'strategy', childNames.strategy(name, s.name), s.name),
    })),
  ];
}

export function renderDeployment(
  input: WorkloadInput,
  role: RuntimeRole,
  deploymentName: string,
  strategy?: string,
): V1Deployment {
  const { bot, settings, configHash } = input;
  const name = bot.metadata.name ?? '';
  const runtime = bot.spec.runtime;
  const resources = {
    cpu: runtime.resources?.cpu ?? defaultResources.cpu,
    memory: runtime.resources?.memory ?? defaultResources.memory,
  };
  const ports: NonNullable<V1Container['ports']> = [
    { name: 'health', containerPort: settings.healthPort, protocol: 'TCP' },
  ];
  if (role === 'executor' && bot.spec.statusEndpoint.enabled) {
    ports.push({ name: 'status', containerPort: bot.spec.statusEndpoint.port, protocol: 'TCP' });
  }
  const models = role === 'strategy' ? modelVolumes(bot, strategy) : [];
  const container: V1Container = {
    name: 'runtime',
    image: runtime.image ?? settings.runtimeImage,
    ...(runtime.imagePullPolicy === undefined ? {} : { imagePullPolicy: runtime.imagePullPolicy }),
    args: runtimeArgs(role, strategy),
    env: [
      { name: runtimeFiles.configEnv, value: `${runtimeFiles.configDir}/${runtimeFiles.config}` },
      ...(role === 'executor' ? credentialEnvVars(bot) : []),
      ...(role === 'executor' ? statusKeyEnvVars(bot, settings) : []),
    ],
    ports,
    resources: { requests: resources, limits: resources },
    livenessProbe: {
      httpGet: { path: '/healthz', port: 'health' },
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    readinessProbe: {
      httpGet: { path: '/readyz', port: 'health' },
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    startupProbe: {
      httpGet: { path: '/healthz', port: 'health' },
      periodSeconds: 2,
      failureThreshold: 60,
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: runtimeUid,
      runAsGroup: runtimeUid,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [
      { name: 'config', mountPath: runtimeFiles.configDir, readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
      ...models.map((m) => m.mount),
    ],
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMetadata(bot, deploymentName, roleLabels(name, role, strategy)),
    spec: {
      replicas: bot.spec.suspend ? 0 : 1,
      // One writer per bot role: never two executors trading at once during a rollout.
      strategy: { type: 'Recreate' },
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels(name, role, strategy) },
      template: {
        metadata: {
          labels: roleLabels(name, role, strategy),
          annotations: { [annotationKeys.configHash]: configHash },
        },
        spec: {
          serviceAccountName: childNames.serviceAccount(name),
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: runtimeUid,
            runAsGroup: runtimeUid,
            fsGroup: runtimeUid,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          ...(runtime.nodeSelector === undefined ? {} : { nodeSelector: runtime.nodeSelector }),
          terminationGracePeriodSeconds: 30,
          containers: [container],
          volumes: [
            { name: 'config', configMap: { name: childNames.configMap(name) } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            ...models.map((m) => m.volume),
          ],
        },
      },
    },
  };
}

/**
 * An ONNX strategy's model from a ConfigMap, mounted where the runtime looks
 * (`<modelsDir>/<ConfigMap>/<key>`). Only the strategy that uses it gets it.
 * The worker reads the model at start: a new model rolls out by naming a new
 * ConfigMap (the pod template changes) or by restarting the Deployment.
 */
function modelVolumes(
  bot: TradingBot,
  strategy: string | undefined,
): { volume: V1Volume; mount: V1VolumeMount }[] {
  const spec = bot.spec.strategies.find((s) => s.name === strategy);
  const ref = spec?.type === 'onnx' ? spec.onnx?.model.configMapRef : undefined;
  if (ref === undefined) return [];
  const key = ref.key ?? 'model.onnx';
  return [
    {
      volume: { name: 'model', configMap: { name: ref.name, items: [{ key, path: key }] } },
      mount: { name: 'model', mountPath: `${runtimeFiles.modelsDir}/${ref.name}`, readOnly: true },
    },
  ];
}

/** Credentials as env vars from the Secrets the bot names: never in the ConfigMap. */
function credentialEnvVars(bot: TradingBot): V1EnvVar[] {
  const env: V1EnvVar[] = [];
  const ref = bot.spec.exchange.credentialsSecretRef;
  if (ref !== undefined) {
    const fromSecret = (envName: string, key: string, optional = false): V1EnvVar => ({
      name: envName,
      valueFrom: { secretKeyRef: { name: ref.name, key, optional } },
    });
    env.push(
      fromSecret(credentialEnv.apiKey, ref.apiKeyKey),
      fromSecret(credentialEnv.apiSecret, ref.apiSecretKey),
    );
    if (ref.passphraseKey !== undefined) env.push(fromSecret(credentialEnv.passphrase, ref.passphraseKey));
  }
  const advisorKey = bot.spec.ai?.advisor?.apiKeySecretRef;
  if (advisorKey !== undefined) {
    env.push({
      name: credentialEnv.advisorApiKey,
      valueFrom: { secretKeyRef: { name: advisorKey.name, key: advisorKey.key } },
    });
  }
  return env;
}

/**
 * The status endpoint's token verification keys, read by the runtime from this
 * variable (PEM public keys or a JWKS; docs/status-endpoint.md). The kubelet
 * resolves the Secret, so the operator needs no access to it; a missing Secret
 * keeps the executor from starting, with the Secret named in the pod's events.
 */
export const statusKeys = { env: 'BOTCORE_STATUS_PUBLIC_KEYS', secretKey: 'keys' } as const;

function statusKeyEnvVars(bot: TradingBot, settings: RenderSettings): V1EnvVar[] {
  const endpoint = bot.spec.statusEndpoint;
  if (!endpoint.enabled || endpoint.auth === 'none') return [];
  const name = settings.statusKeysSecret ?? defaultStatusKeysSecret;
  return [{ name: statusKeys.env, valueFrom: { secretKeyRef: { name, key: statusKeys.secretKey } } }];
}

/** The label key strategies are told apart by (for pruning). */
export const strategyLabel = labelKeys.strategy;
