import type { V1ServiceAccount } from '@kubernetes/client-node';
import type { TradingBot } from '../../crds/index.ts';
import { childNames } from './labels.ts';
import { childMetadata } from './owner.ts';

/** The runtime pods' identity; it needs no API access, so no token is mounted. */
export function renderServiceAccount(bot: TradingBot): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: childMetadata(bot, childNames.serviceAccount(bot.metadata.name ?? '')),
    automountServiceAccountToken: false,
  };
}
