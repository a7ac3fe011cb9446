import { describe, expect, it } from 'vitest';
import { collectionPath, objectPath, pluralOf } from './resource-path.ts';

describe('resource paths', () => {
  it('pluralises kinds as the API machinery guesses them', () => {
    expect(pluralOf('Deployment')).toBe('deployments');
    expect(pluralOf('NetworkPolicy')).toBe('networkpolicies');
    expect(pluralOf('RiskPolicy')).toBe('riskpolicies');
    expect(pluralOf('Ingress')).toBe('ingresses');
    expect(pluralOf('ServiceAccount')).toBe('serviceaccounts');
  });

  it('builds core, grouped, namespaced and cluster-scoped paths', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' } };
    expect(objectPath(cm)).toBe('/api/v1/namespaces/n/configmaps/c');
    const bot = {
      apiVersion: 'trading.botcore.dev/v1alpha1',
      kind: 'TradingBot',
      metadata: { name: 'b', namespace: 'n' },
    };
    expect(objectPath(bot)).toBe('/apis/trading.botcore.dev/v1alpha1/namespaces/n/tradingbots/b');
    expect(collectionPath('v1', 'namespaces')).toBe('/api/v1/namespaces');
  });
});
