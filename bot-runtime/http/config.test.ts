import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadStatusServerConfig, parseStatusServerConfig } from './config.ts';

const valid = {
  bot: { namespace: 'desk-a', name: 'eth-btc' },
  auth: {
    audience: 'botcore-status',
    issuers: ['https://auth.example'],
    publicKeys: { path: '/etc/botcore/keys' },
  },
};

function keyOf(input: unknown): string {
  try {
    parseStatusServerConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`${(err as ConfigError).key}:`);
    return (err as ConfigError).key;
  }
  throw new Error('the configuration was accepted');
}

describe('parseStatusServerConfig', () => {
  it('fills the documented defaults', () => {
    const c = parseStatusServerConfig(valid);
    expect(c).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      trustProxyHops: 0,
      logLevel: 'info',
      auth: {
        mode: 'jwt',
        algorithms: ['ES256', 'EdDSA', 'RS256'],
        clockToleranceSeconds: 30,
        maxTokenLifetimeSeconds: 86_400,
        cacheSize: 10_000,
      },
      metrics: { public: true },
      rateLimit: { max: 600, windowSeconds: 60 },
      cors: { origins: [] },
      stream: { maxSubscribers: 20_000, maxBufferedBytes: 1_048_576, heartbeatSeconds: 30 },
      page: { enabled: true },
    });
  });

  it('does not change the object it was given', () => {
    const input = structuredClone(valid);
    parseStatusServerConfig(input);
    expect(input).toEqual(valid);
  });

  it.each([
    [{ ...valid, port: 70_000 }, 'port'],
    [{ ...valid, prot: 8080 }, 'prot'],
    [{ ...valid, bot: { namespace: 'Desk_A', name: 'eth-btc' } }, 'bot.namespace'],
    [{ ...valid, bot: { namespace: 'desk-a' } }, 'bot.name'],
    [{ ...valid, auth: { ...valid.auth, audience: undefined } }, 'auth.audience'],
    [{ ...valid, auth: { ...valid.auth, audiance: 'x' } }, 'auth.audiance'],
    [{ ...valid, auth: { ...valid.auth, issuers: [] } }, 'auth.issuers'],
    [{ ...valid, auth: { ...valid.auth, algorithms: ['HS256'] } }, 'auth.algorithms.0'],
    [{ ...valid, auth: { ...valid.auth, algorithms: ['none'] } }, 'auth.algorithms.0'],
    [{ ...valid, auth: { ...valid.auth, publicKeys: {} } }, 'auth.publicKeys'],
    [{ ...valid, auth: { ...valid.auth, publicKeys: { env: 'lower-case' } } }, 'auth.publicKeys.env'],
    [{ ...valid, rateLimit: { max: 0 } }, 'rateLimit.max'],
    [{ ...valid, cors: { origins: ['*'] } }, 'cors.origins.0'],
    [{ ...valid, cors: { origins: ['https://a.example/path'] } }, 'cors.origins.0'],
    [{ ...valid, logLevel: 'verbose' }, 'logLevel'],
    [{ ...valid, stream: { maxSubscribers: 0 } }, 'stream.maxSubscribers'],
    [{ ...valid, stream: { writerThreads: 17 } }, 'stream.writerThreads'],
    [{ ...valid, stream: { writerThreads: 1.5 } }, 'stream.writerThreads'],
  ])('names the bad key (%#: %s)', (input, key) => {
    expect(keyOf(input)).toBe(key);
  });

  it('allows auth.mode none only on a loopback host', () => {
    const none = { bot: valid.bot, auth: { mode: 'none' } };
    expect(keyOf(none)).toBe('auth.mode');
    expect(parseStatusServerConfig({ ...none, host: '127.0.0.1' }).auth.mode).toBe('none');
  });

  it('refuses what is not an object', () => {
    expect(keyOf(null)).toBe('(root)');
    expect(keyOf([valid])).toBe('(root)');
  });
});

describe('loadStatusServerConfig', () => {
  it('reads YAML and names the bad key of the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'status-config-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      'bot: {namespace: desk-a, name: eth-btc}\nport: 9090\nauth:\n  audience: a\n  issuers: [i]\n  publicKeys: {env: KEYS}\n',
    );
    expect(loadStatusServerConfig(good).port).toBe(9090);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'bot: {namespace: desk-a, name: eth-btc}\nrateLimit: {max: many}\n');
    expect(() => loadStatusServerConfig(bad)).toThrow(/rateLimit\.max/);
    expect(() => loadStatusServerConfig(join(dir, 'missing.yaml'))).toThrow(ConfigError);
  });
});
