import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { subjectsFor } from '../../crds/runtime-config/index.ts';
import { EXIT_CONFIG, runRuntimeCommand } from '../cli/runtime-command.ts';
import { configPath, loadBootConfig, RuntimeConfigError } from './runtime-config.ts';

const good = {
  version: 'botcore.dev/runtime-config/v1',
  bot: { name: 'eth-rsi', namespace: 'trading', uid: 'u-1' },
  mode: 'paper',
  exchange: { name: 'binance', testnet: true },
  symbols: ['ETH/BTC'],
  timeframe: '5m',
  marketData: {},
  capital: { amount: '1', currency: 'BTC' },
  strategies: [{ name: 'rsi', type: 'rsi', rsi: {} }],
  ensemble: {},
  execution: {},
  connections: { nats: { url: 'nats://nats:4222' }, mongodb: { url: 'mongodb://mongo:27017' } },
  subjects: subjectsFor('trading', 'eth-rsi'),
  health: { port: 8081 },
  statusEndpoint: { port: 8080, auth: 'bearerToken' },
  logLevel: 'info',
};

function write(config: unknown, policy?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'botcore-runtime-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  if (policy !== undefined) writeFileSync(join(dir, 'risk-policy.json'), JSON.stringify(policy));
  return file;
}

/** The error loadBootConfig throws, or a failure when it throws none. */
function refusal(run: () => unknown): RuntimeConfigError {
  try {
    run();
  } catch (e) {
    if (e instanceof RuntimeConfigError) return e;
    throw e;
  }
  throw new Error('the configuration was accepted');
}

const noEnv = {};

describe('runtime configuration at boot', () => {
  it('accepts the rendered configuration of each role and applies the contract defaults', () => {
    const file = write(good);
    const boot = loadBootConfig(file, { role: 'executor' }, noEnv);
    expect(boot.role).toBe('executor');
    expect(boot.config.execution.orderType).toBe('market');
    expect(boot.config.strategies[0]?.rsi?.period).toBe(14);
    expect(boot.policy).toBeNull();
    expect(boot.connections).toEqual({ nats: 'nats://nats:4222', mongodb: 'mongodb://mongo:27017' });
    expect(loadBootConfig(file, { role: 'feed' }, noEnv).role).toBe('feed');
    expect(loadBootConfig(file, { role: 'strategy', strategy: 'rsi' }, noEnv).strategy).toBe('rsi');
  });

  it('names an unknown key (a secret smuggled into the ConfigMap)', () => {
    const e = refusal(() =>
      loadBootConfig(
        write({ ...good, exchange: { ...good.exchange, apiSecret: 's3cret' } }),
        { role: 'executor' },
        noEnv,
      ),
    );
    expect(e.keys).toEqual(['exchange.apiSecret']);
    expect(e.message).toContain('exchange.apiSecret');
    expect(e.message).not.toContain('s3cret');
  });

  it('names a key with a bad value, and a missing required key', () => {
    const port = refusal(() =>
      loadBootConfig(write({ ...good, health: { port: 80 } }), { role: 'feed' }, noEnv),
    );
    expect(port.keys).toEqual(['health.port']);
    expect(port.message).toMatch(/health\.port: Invalid value: 80/);
    const { connections: _, ...withoutConnections } = good;
    const missing = refusal(() => loadBootConfig(write(withoutConnections), { role: 'feed' }, noEnv));
    expect(missing.keys).toEqual(['connections']);
    expect(missing.message).toContain('connections: Required value');
  });

  it('names a strategy parameter the strategy cannot run with', () => {
    const bad = {
      ...good,
      strategies: [{ name: 'rsi', type: 'rsi', rsi: { period: 14, overbought: 30, oversold: 70 } }],
    };
    const e = refusal(() => loadBootConfig(write(bad), { role: 'strategy', strategy: 'rsi' }, noEnv));
    expect(e.keys[0]).toMatch(/^strategies\[0\]\.rsi/);
  });

  it('refuses a role, or a strategy, that the configuration does not have', () => {
    const file = write(good);
    expect(refusal(() => loadBootConfig(file, { role: 'trader' }, noEnv)).keys).toEqual(['--role']);
    expect(refusal(() => loadBootConfig(file, { role: 'strategy' }, noEnv)).keys).toEqual(['--strategy']);
    const other = refusal(() => loadBootConfig(file, { role: 'strategy', strategy: 'macd' }, noEnv));
    expect(other.keys).toEqual(['--strategy']);
    expect(other.message).toContain('"rsi"');
  });

  it('refuses an executor without a ledger, or in live mode; the environment may supply the URL', () => {
    const noMongo = { ...good, connections: { nats: { url: 'nats://nats:4222' } } };
    const file = write(noMongo);
    expect(refusal(() => loadBootConfig(file, { role: 'executor' }, noEnv)).keys).toEqual([
      'connections.mongodb.url',
    ]);
    expect(loadBootConfig(file, { role: 'feed' }, noEnv).connections.mongodb).toBeUndefined();
    const env = { MONGODB_URL: 'mongodb://127.0.0.1:27017', NATS_URL: 'nats://127.0.0.1:4222' };
    expect(loadBootConfig(file, { role: 'executor' }, env).connections).toEqual({
      nats: 'nats://127.0.0.1:4222',
      mongodb: 'mongodb://127.0.0.1:27017',
    });
    const live = refusal(() => loadBootConfig(write({ ...good, mode: 'live' }), { role: 'executor' }, noEnv));
    expect(live.keys).toEqual(['mode']);
  });

  it('takes the ports from the configuration, or from the environment on a shared machine', () => {
    const file = write(good);
    expect(loadBootConfig(file, { role: 'executor' }, noEnv).ports).toEqual({ health: 8081, status: 8080 });
    const moved = { BOTCORE_HEALTH_PORT: '0', BOTCORE_STATUS_PORT: '18080' };
    expect(loadBootConfig(file, { role: 'executor' }, moved).ports).toEqual({ health: 0, status: 18080 });
    const { statusEndpoint: _, ...noEndpoint } = good;
    expect(loadBootConfig(write(noEndpoint), { role: 'executor' }, moved).ports).toEqual({ health: 0 });
    const bad = refusal(() => loadBootConfig(file, { role: 'feed' }, { BOTCORE_HEALTH_PORT: 'http' }));
    expect(bad.keys).toEqual(['BOTCORE_HEALTH_PORT']);
  });

  it('refuses subjects that are not the bot’s', () => {
    const e = refusal(() =>
      loadBootConfig(
        write({ ...good, subjects: subjectsFor('trading', 'other') }),
        { role: 'executor' },
        noEnv,
      ),
    );
    expect(e.keys).toEqual(['subjects.control', 'subjects.status']);
  });

  it('checks risk-policy.json beside the configuration and names its bad key', () => {
    const policy = { name: 'guard', generation: 3, spec: { maxDailyLossPercent: '4' } };
    const withPolicy = { ...good, riskPolicy: { name: 'guard' } };
    const boot = loadBootConfig(write(withPolicy, policy), { role: 'executor' }, noEnv);
    expect(boot.policy?.name).toBe('guard');
    expect(boot.policy?.spec.maxDailyLossPercent).toBe('4');
    const bad = refusal(() =>
      loadBootConfig(
        write(withPolicy, { ...policy, spec: { maxDailyLossPercent: 4 } }),
        { role: 'executor' },
        noEnv,
      ),
    );
    expect(bad.keys).toEqual(['spec.maxDailyLossPercent']);
    const absent = refusal(() => loadBootConfig(write(withPolicy), { role: 'executor' }, noEnv));
    expect(absent.keys).toEqual(['riskPolicy']);
  });

  it('says when the file is missing or not JSON', () => {
    expect(refusal(() => loadBootConfig('/nonexistent/config.json', { role: 'feed' }, noEnv)).keys).toEqual([
      '(file)',
    ]);
    expect(refusal(() => loadBootConfig(write('{not json'), { role: 'feed' }, noEnv)).message).toContain(
      'not JSON',
    );
  });

  it('finds the file from --config, then BOTCORE_CONFIG, then /etc/botcore', () => {
    expect(configPath('/x.json', { BOTCORE_CONFIG: '/y.json' })).toBe('/x.json');
    expect(configPath(undefined, { BOTCORE_CONFIG: '/y.json' })).toBe('/y.json');
    expect(configPath(undefined, {})).toBe('/etc/botcore/config.json');
  });

  it('the botcore runtime process exits 78 with the key on stderr', () => {
    const file = write({
      ...good,
      connections: { ...good.connections, nats: { url: 'nats://nats:4222', token: 't' } },
    });
    const run = spawnSync(
      process.execPath,
      [join(import.meta.dirname, '..', 'cli', 'botcore.ts'), 'runtime', '--role', 'feed', '--config', file],
      { encoding: 'utf8', env: { ...process.env, NATS_URL: '' } },
    );
    expect(run.status).toBe(EXIT_CONFIG);
    expect(run.stderr).toContain('connections.nats.token: Unknown field');
    expect(run.stdout).toBe('');
  });

  it('botcore runtime stops with EX_CONFIG and the key on stderr, before connecting anywhere', async () => {
    const file = write({ ...good, logLevel: 'verbose' });
    let stderr = '';
    const code = await runRuntimeCommand({ role: 'executor', config: file }, (t) => {
      stderr += t;
    });
    expect(code).toBe(EXIT_CONFIG);
    expect(stderr).toMatch(
      /^error: invalid runtime configuration .*config\.json: logLevel: Unsupported value: "verbose"/,
    );
  });
});
