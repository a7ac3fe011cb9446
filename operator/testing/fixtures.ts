// Objects as the API server stores them (defaults applied), for unit tests.

import type { RiskPolicy, TradingBot } from '../../crds/index.ts';
import { validateRiskPolicy, validateTradingBot } from '../../crds/index.ts';
import type { RenderSettings } from '../render/settings.ts';

export const testSettings: RenderSettings = {
  runtimeImage: 'ghcr.io/botcore/botcore:test',
  natsUrl: 'nats://nats.botcore-system:4222',
  redisUrl: 'redis://redis.botcore-system:6379',
  healthPort: 8081,
};

export function botManifest(name = 'alpha', spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'trading.botcore.dev/v1alpha1',
    kind: 'TradingBot',
    metadata: { name, namespace: 'trading', uid: `uid-${name}`, generation: 1 },
    spec: {
      exchange: { name: 'binance', testnet: true },
      symbols: ['BTC/USDT'],
      capital: { amount: '1000' },
      strategies: [
        { name: 'rsi-fast', type: 'rsi', rsi: { period: 7 } },
        { name: 'trend', type: 'macd', macd: {} },
      ],
      ...spec,
    },
  };
}

export function testBot(name = 'alpha', spec: Record<string, unknown> = {}): TradingBot {
  const result = validateTradingBot(botManifest(name, spec));
  if (!result.valid) throw new Error(JSON.stringify(result.errors));
  return result.object;
}

export function testPolicy(name = 'conservative', spec: Record<string, unknown> = {}): RiskPolicy {
  const result = validateRiskPolicy({
    apiVersion: 'trading.botcore.dev/v1alpha1',
    kind: 'RiskPolicy',
    metadata: { name, namespace: 'trading', uid: `uid-${name}`, generation: 3 },
    spec,
  });
  if (!result.valid) throw new Error(JSON.stringify(result.errors));
  return result.object;
}
