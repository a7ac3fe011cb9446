import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { TradingBot } from '../../crds/index.ts';
import { childNames, labelKeys } from './labels.ts';
import { childMetadata } from './owner.ts';

/**
 * Ingress to the bot's pods only from the bot's own pods (they talk over NATS,
 * but a probe or a debug port must not be open to the namespace), plus the
 * executor's status endpoint from anywhere (the gateway, Prometheus).
 * Egress stays open: exchanges, NATS, Redis, MongoDB, DNS.
 */
export function renderNetworkPolicy(bot: TradingBot, healthPort: number): V1NetworkPolicy {
  const name = bot.metadata.name ?? '';
  const podsOfBot = { matchLabels: { [labelKeys.bot]: name } };
  const ingress: NonNullable<V1NetworkPolicy['spec']>['ingress'] = [
    { _from: [{ podSelector: podsOfBot }] },
    // Probes come from the kubelet (host network), metrics from Prometheus.
    { ports: [{ protocol: 'TCP', port: healthPort }] },
  ];
  if (bot.spec.statusEndpoint.enabled) {
    ingress.push({ ports: [{ protocol: 'TCP', port: bot.spec.statusEndpoint.port }] });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: childMetadata(bot, childNames.networkPolicy(name)),
    spec: { podSelector: podsOfBot, policyTypes: ['Ingress'], ingress },
  };
}
