import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import type { TradingBot } from '../../crds/index.ts';
import { botLabels } from './labels.ts';

/** The controller owner reference to the bot: garbage collection deletes children with it. */
export function ownerReference(bot: TradingBot): V1OwnerReference {
  return {
    apiVersion: bot.apiVersion,
    kind: bot.kind,
    name: bot.metadata.name ?? '',
    uid: bot.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Metadata of a child: name, the bot's namespace, labels, owner. */
export function childMetadata(
  bot: TradingBot,
  name: string,
  labels: Record<string, string> = {},
): V1ObjectMeta {
  return {
    name,
    namespace: bot.metadata.namespace ?? 'default',
    labels: { ...botLabels(bot.metadata.name ?? ''), ...labels },
    ownerReferences: [ownerReference(bot)],
  };
}
