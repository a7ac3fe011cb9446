// TradingBot (+ its RiskPolicy) in, the runtime contract out. Pure.
import type { RiskPolicy, TradingBot } from '../../crds/index.ts';
import {
  type RiskPolicyDocument,
  type RuntimeConfig,
  runtimeConfigVersion,
  subjectsFor,
} from '../../crds/runtime-config/index.ts';
import type { RenderSettings } from './settings.ts';

export function renderRuntimeConfig(bot: TradingBot, settings: RenderSettings): RuntimeConfig {
  const { spec } = bot;
  const name = bot.metadata.name ?? '';
  const namespace = bot.metadata.namespace ?? 'default';
  const advisor = spec.ai?.advisor;
  return {
    version: runtimeConfigVersion,
    bot: { name, namespace, uid: bot.metadata.uid ?? '' },
    mode: spec.mode,
    exchange: { name: spec.exchange.name, testnet: spec.exchange.testnet },
    symbols: spec.symbols,
    timeframe: spec.timeframe,
    marketData: spec.marketData,
    capital: spec.capital,
    strategies: spec.strategies,
    ensemble: spec.combine,
    execution: spec.execution,
    ...(advisor === undefined
      ? {}
      : {
          advisor: {
            endpoint: advisor.endpoint,
            model: advisor.model,
            role: advisor.role,
            timeoutMs: advisor.timeoutMs,
            budget: advisor.budget,
          },
        }),
    ...(spec.riskPolicyRef === undefined ? {} : { riskPolicy: { name: spec.riskPolicyRef.name } }),
    connections: {
      nats: { url: settings.natsUrl },
      ...(settings.redisUrl === undefined ? {} : { redis: { url: settings.redisUrl } }),
      ...(settings.mongodbUrl === undefined ? {} : { mongodb: { url: settings.mongodbUrl } }),
    },
    subjects: subjectsFor(namespace, name),
    health: { port: settings.healthPort },
    ...(spec.statusEndpoint.enabled
      ? { statusEndpoint: { port: spec.statusEndpoint.port, auth: spec.statusEndpoint.auth } }
      : {}),
    logLevel: spec.runtime.logLevel,
  };
}

/** The policy document for `risk-policy.json`; null when the bot has no policy (or it is missing). */
export function renderRiskPolicyDocument(policy: RiskPolicy | undefined): RiskPolicyDocument | null {
  if (policy === undefined) return null;
  return { name: policy.metadata.name ?? '', generation: policy.metadata.generation ?? 0, spec: policy.spec };
}
