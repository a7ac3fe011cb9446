// The bot's ConfigMap: `config.json` (the runtime configuration; its hash goes
// on the pod templates, so a change rolls the pods) and `risk-policy.json`
// (the policy's current spec; not hashed: the runtime reloads it in place, and
// the operator pushes it over NATS too, so a policy change restarts nothing).
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { TradingBot } from '../../crds/index.ts';
import type { RiskPolicyDocument, RuntimeConfig } from '../../crds/runtime-config/index.ts';
import { runtimeFiles } from '../../crds/runtime-config/index.ts';
import { canonicalJson, contentHash } from './hash.ts';
import { childNames, labelKeys } from './labels.ts';
import { childMetadata } from './owner.ts';

export interface RenderedConfig {
  readonly configMap: V1ConfigMap;
  /** Hash of config.json only. */
  readonly configHash: string;
}

export function renderConfigMap(
  bot: TradingBot,
  config: RuntimeConfig,
  policy: RiskPolicyDocument | null,
): RenderedConfig {
  const configHash = contentHash(config);
  return {
    configHash,
    configMap: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: childMetadata(bot, childNames.configMap(bot.metadata.name ?? ''), {
        [labelKeys.component]: 'config',
      }),
      data: {
        [runtimeFiles.config]: `${canonicalJson(config)}\n`,
        [runtimeFiles.riskPolicy]: `${canonicalJson(policy)}\n`,
      },
    },
  };
}
