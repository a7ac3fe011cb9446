import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, isSecretKey, REDACTED, redactSecrets, redactString } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, destination, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const secret = 'sup3r-s3cret-value-9f8e7d';

describe('logger', () => {
  it('writes one JSON object per line with a level name, time, name and message', () => {
    const { destination, records } = capture();
    const log = createLogger({ name: 'operator', level: 'debug', destination });
    log.info({ controller: 'tradingbot', key: 'ns/bot-a' }, 'reconciled');
    log.debug('details');
    const [first, second] = records();
    expect(first).toMatchObject({
      level: 'info',
      name: 'operator',
      controller: 'tradingbot',
      key: 'ns/bot-a',
    });
    expect(first?.msg).toBe('reconciled');
    expect(typeof first?.time).toBe('string');
    expect(second).toMatchObject({ level: 'debug', msg: 'details' });
  });

  it('never writes a secret, whatever the depth, casing or place it is logged in', () => {
    const { destination, lines } = capture();
    const log = createLogger({ destination }).child({ apiKey: secret, component: 'x' });
    const nested = {
      request: { headers: { Authorization: `Bearer ${secret}`, 'x-api-key': secret } },
      exchange: {
        credentials: { key: 'k', secret },
        list: [{ password: secret }, { client_secret: secret }],
      },
      deep: { a: { b: { c: { d: { accessToken: secret } } } } },
      kubeconfig: { users: [{ name: 'admin', user: { 'client-key-data': secret, keyData: secret } }] },
      object: { kind: 'Secret', metadata: { name: 'binance' }, data: { anything: secret } },
    };
    log.info(nested, 'calling the exchange');
    log.info(`token=${secret} and Authorization: Bearer ${secret}`);
    log.warn({ url: `https://user:${secret}@example.test/path` }, 'connecting');
    const error = new Error(`login failed with password=${secret}`) as Error & { config?: unknown };
    error.config = { headers: { authorization: `Basic ${secret}` } };
    log.error({ err: error }, 'request failed');
    log.error(error);

    expect(lines.length).toBe(5);
    for (const line of lines) expect(line).not.toContain(secret);
    const all = lines.join('\n');
    expect(all).toContain(REDACTED);
    // What is not secret stays readable.
    expect(all).toContain('binance');
    expect(all).toContain('calling the exchange');
    expect(all).toContain('login failed');
    expect(all).toContain('example.test/path');
  });

  it('keeps error details other than secrets', () => {
    const { destination, records } = capture();
    const log = createLogger({ destination });
    const cause = new Error('socket hang up');
    log.error({ err: new Error('list failed', { cause }) }, 'informer error');
    const [record] = records();
    const err = record?.err as Record<string, unknown>;
    expect(err.type).toBe('Error');
    // pino's serializer folds the causes' messages into the message.
    expect(err.message).toBe('list failed: socket hang up');
    expect(String(err.stack)).toContain('list failed');
  });
});

describe('redactSecrets', () => {
  it('replaces secret-looking keys and leaves the input untouched', () => {
    const input = { token: 'a', nested: { password: 'b', name: 'bot' } };
    expect(redactSecrets(input)).toEqual({ token: REDACTED, nested: { password: REDACTED, name: 'bot' } });
    expect(input.nested.password).toBe('b');
  });

  it('survives cycles, maps, sets and bigints', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    const out = redactSecrets({ a, m: new Map([['secret', 'x']]), s: new Set(['y']), n: 10n }) as Record<
      string,
      unknown
    >;
    expect(out.a).toEqual({ name: 'a', self: '[Circular]' });
    expect(out.m).toEqual({ secret: REDACTED });
    expect(out.s).toEqual(['y']);
    expect(out.n).toBe('10');
  });

  it('classifies keys', () => {
    for (const key of [
      'token',
      'apiKey',
      'api_key',
      'X-Api-Key',
      'Authorization',
      'clientSecret',
      'PASSWORD',
      'auth',
      'client-key-data',
      'keyData',
      'passphrase',
      'mnemonic',
      'signature',
    ])
      expect(isSecretKey(key), key).toBe(true);
    for (const key of ['key', 'name', 'namespace', 'resourceVersion', 'controller', 'author'])
      expect(isSecretKey(key), key).toBe(false);
  });

  it('masks secrets inside strings', () => {
    expect(redactString('Authorization: Bearer abc.def')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactString('GET /x?api_key=123&limit=5')).toBe(`GET /x?api_key=${REDACTED}&limit=5`);
    expect(redactString('plain words')).toBe('plain words');
    expect(redactString('POST /api/v3/order?symbol=BTCUSDT&timestamp=1&signature=9f86d08')).toBe(
      `POST /api/v3/order?symbol=BTCUSDT&timestamp=1&signature=${REDACTED}`,
    );
  });
});
