import { describe, expect, it } from 'vitest';
import { operatorCommand, toOptions } from './cli.ts';

function parse(args: string[], env: Record<string, string> = {}) {
  const saved = { ...process.env };
  for (const k of [
    'WATCH_NAMESPACE',
    'POD_NAMESPACE',
    'POD_NAME',
    'NATS_URL',
    'REDIS_URL',
    'MONGODB_URL',
    'LOG_LEVEL',
    'BOTCORE_KUBECONFIG',
    'BOTCORE_LEASE_NAME',
    'BOTCORE_HEALTH_PORT',
    'BOTCORE_RUNTIME_IMAGE',
    'BOTCORE_STATUS_KEYS_SECRET',
  ]) {
    delete process.env[k];
  }
  Object.assign(process.env, env);
  try {
    const command = operatorCommand()
      .exitOverride()
      .action(() => {});
    command.parse(args, { from: 'user' });
    return toOptions(command.opts());
  } finally {
    process.env = saved;
  }
}

describe('botcore operator flags', () => {
  it('has defaults for a cluster install', () => {
    const o = parse([]);
    expect(o).toMatchObject({
      leaderElect: true,
      leaderElectionNamespace: 'botcore-system',
      leaseName: 'botcore-operator',
      leaseDurationMs: 15_000,
      healthPort: 8081,
      haltTimeoutMs: 30_000,
      statusIntervalMs: 5_000,
      reportStaleAfterMs: 60_000,
      resyncPeriodMs: 600_000,
      concurrency: 32,
      logLevel: 'info',
      statusKeysSecret: 'botcore-status-keys',
    });
    expect(o.natsUrl).toBeUndefined();
    expect(o.watchNamespace).toBeUndefined();
  });

  it('reads durations, flags and environment variables', () => {
    const o = parse(
      ['--halt-timeout', '4s', '--status-interval', '500ms', '--lease-duration', '2m', '--no-leader-elect'],
      {
        NATS_URL: 'nats://n:4222',
        WATCH_NAMESPACE: 'bots',
        POD_NAMESPACE: 'ops',
        BOTCORE_STATUS_KEYS_SECRET: 'desk-keys',
      },
    );
    expect(o).toMatchObject({
      haltTimeoutMs: 4000,
      statusIntervalMs: 500,
      leaseDurationMs: 120_000,
      leaderElect: false,
      natsUrl: 'nats://n:4222',
      watchNamespace: 'bots',
      leaderElectionNamespace: 'ops',
      statusKeysSecret: 'desk-keys',
    });
  });

  it('refuses a bad duration or port, naming the flag', () => {
    expect(() => parse(['--halt-timeout', 'soon'])).toThrow(/--halt-timeout/);
    expect(() => parse(['--health-port', '70000'])).toThrow(/--health-port/);
  });
});
