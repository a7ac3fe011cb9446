import type { V1Service } from '@kubernetes/client-node';
import type { TradingBot } from '../../crds/index.ts';
import { childNames, labelKeys, selectorLabels } from './labels.ts';
import { childMetadata } from './owner.ts';

/** The executor's status endpoint; undefined when the bot disables it. */
export function renderService(bot: TradingBot): V1Service | undefined {
  if (!bot.spec.statusEndpoint.enabled) return undefined;
  const name = bot.metadata.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMetadata(bot, childNames.service(name), { [labelKeys.component]: 'status-endpoint' }),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(name, 'executor'),
      ports: [{ name: 'http', port: bot.spec.statusEndpoint.port, targetPort: 'status', protocol: 'TCP' }],
    },
  };
}

/** The URL the bot's status shows. */
export function endpointUrl(bot: TradingBot): string | undefined {
  if (!bot.spec.statusEndpoint.enabled) return undefined;
  const name = bot.metadata.name ?? '';
  if (bot.spec.statusEndpoint.host !== undefined) return `https://${bot.spec.statusEndpoint.host}/`;
  return `http://${childNames.service(name)}.${bot.metadata.namespace}.svc:${bot.spec.statusEndpoint.port}/`;
}
