// Every child a bot wants, in apply order. Pure: spec in, manifests out.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { RiskPolicy, TradingBot } from '../../crds/index.ts';
import type { RuntimeConfig } from '../../crds/runtime-config/index.ts';
import { renderConfigMap } from './config-map.ts';
import { type RenderedWorkload, renderDeployments } from './deployment.ts';
import { renderNetworkPolicy } from './network-policy.ts';
import { renderRiskPolicyDocument, renderRuntimeConfig } from './runtime-config.ts';
import { renderService } from './service.ts';
import { renderServiceAccount } from './service-account.ts';
import type { RenderSettings } from './settings.ts';

export interface DesiredChildren {
  readonly config: RuntimeConfig;
  readonly configHash: string;
  /** ConfigMap, ServiceAccount, Service, NetworkPolicy: what the pods need before they start. */
  readonly supporting: KubernetesObject[];
  readonly workloads: RenderedWorkload[];
}

export function renderChildren(
  bot: TradingBot,
  policy: RiskPolicy | undefined,
  settings: RenderSettings,
): DesiredChildren {
  const config = renderRuntimeConfig(bot, settings);
  const { configMap, configHash } = renderConfigMap(bot, config, renderRiskPolicyDocument(policy));
  const service = renderService(bot);
  return {
    config,
    configHash,
    supporting: [
      renderServiceAccount(bot),
      configMap,
      ...(service === undefined ? [] : [service]),
      renderNetworkPolicy(bot, settings.healthPort),
    ],
    workloads: renderDeployments({ bot, settings, configHash }),
  };
}

/** `Kind/name` of an object, to compare desired and existing children. */
export function childId(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata?.name ?? ''}`;
}
