import { describe, expect, it } from 'vitest';
import { parseStatusSubject, runtimeArgs, subjectsFor } from './types.ts';
import { describeContractErrors, validateRuntimeConfig, validateRuntimeReport } from './validate.ts';

const minimalConfig = {
  version: 'botcore.dev/runtime-config/v1',
  bot: { name: 'alpha', namespace: 'trading', uid: 'u' },
  mode: 'paper',
  exchange: { name: 'binance', testnet: true },
  symbols: ['BTC/USDT'],
  timeframe: '1m',
  marketData: {},
  capital: { amount: '100' },
  strategies: [{ name: 'rsi', type: 'rsi', rsi: {} }],
  ensemble: {},
  execution: {},
  connections: { nats: { url: 'nats://nats:4222' } },
  subjects: subjectsFor('trading', 'alpha'),
  health: { port: 8081 },
  logLevel: 'info',
};

describe('runtime config contract', () => {
  it('accepts a minimal config and applies the CRD defaults', () => {
    const result = validateRuntimeConfig(minimalConfig);
    expect(result.errors).toEqual([]);
    expect(result.valid && result.value.execution.orderType).toBe('market');
    expect(result.valid && result.value.strategies[0]?.rsi?.period).toBe(14);
  });

  it('rejects unknown fields (a secret must not be smuggled in) and says which key is wrong', () => {
    const result = validateRuntimeConfig({
      ...minimalConfig,
      exchange: { name: 'binance', testnet: true, apiKey: 'x' },
    });
    expect(result.valid).toBe(false);
    expect(describeContractErrors(result.errors)).toContain('exchange.apiKey');
    const bad = validateRuntimeConfig({ ...minimalConfig, health: { port: 80 } });
    expect(describeContractErrors(bad.errors)).toContain('health.port');
  });

  it('checks runtime reports: decimals as strings, known risk states', () => {
    expect(validateRuntimeReport({ time: '2026-01-01T00:00:00Z', healthy: true, equity: '10.5' }).valid).toBe(
      true,
    );
    expect(validateRuntimeReport({ time: '2026-01-01T00:00:00Z', healthy: true, equity: 10.5 }).valid).toBe(
      false,
    );
    expect(
      validateRuntimeReport({ time: '2026-01-01T00:00:00Z', healthy: true, risk: { state: 'Panicking' } })
        .valid,
    ).toBe(false);
    expect(validateRuntimeReport('nope').valid).toBe(false);
  });

  it('names subjects and role arguments', () => {
    expect(parseStatusSubject('botcore.ns.bot.status')).toEqual({ namespace: 'ns', name: 'bot' });
    expect(parseStatusSubject('botcore.ns.bot.control')).toBeUndefined();
    expect(parseStatusSubject('other.ns.bot.status')).toBeUndefined();
    expect(runtimeArgs('strategy', 'rsi')).toEqual(['runtime', '--role', 'strategy', '--strategy', 'rsi']);
    expect(() => runtimeArgs('strategy')).toThrow();
  });
});
