import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthServer } from './health-server.ts';

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(registry = new Registry()) {
  server = new HealthServer({ registry, port: 0, host: '127.0.0.1' });
  const port = await server.listen();
  const get = async (path: string, method = 'GET') => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.text(),
    };
  };
  return { server, get, registry };
}

describe('HealthServer', () => {
  it('answers /healthz and /readyz with 200 and the checks while they pass', async () => {
    const { server, get } = await start();
    server.addLivenessCheck('process', () => true);
    server.addReadinessCheck('informers', () => undefined);
    const healthz = await get('/healthz');
    expect(healthz.status).toBe(200);
    expect(JSON.parse(healthz.body)).toEqual({ status: 'ok', checks: { process: 'ok' } });
    const readyz = await get('/readyz');
    expect(readyz.status).toBe(200);
    expect(JSON.parse(readyz.body)).toEqual({ status: 'ok', checks: { informers: 'ok' } });
  });

  it('answers 503 naming the failing check, whether it returns false, a reason or throws', async () => {
    const { server, get } = await start();
    let synced = false;
    server.addReadinessCheck('informers', () => synced || 'tradingbots not synced');
    server.addReadinessCheck('leader', () => true);
    server.addLivenessCheck('loop', () => false);
    server.addLivenessCheck('broken', async () => {
      throw new Error('probe failed with token=abc123');
    });
    const readyz = await get('/readyz');
    expect(readyz.status).toBe(503);
    expect(JSON.parse(readyz.body)).toEqual({
      status: 'failing',
      checks: { informers: 'tradingbots not synced', leader: 'ok' },
    });
    synced = true;
    expect((await get('/readyz')).status).toBe(200);
    const healthz = await get('/healthz');
    expect(healthz.status).toBe(503);
    expect(healthz.body).toContain('"loop":"failing"');
    expect(healthz.body).toContain('probe failed');
    expect(healthz.body).not.toContain('abc123');
  });

  it('serves the registry on /metrics in Prometheus text format', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'test_things_total', help: 'things', registers: [registry] });
    counter.inc(3);
    const { get } = await start(registry);
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.type).toBe(registry.contentType);
    expect(metrics.body).toContain('test_things_total 3');
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    const { get } = await start();
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/healthz', 'POST')).status).toBe(405);
  });

  it('stops accepting connections on close', async () => {
    const { server: s, get } = await start();
    await s.close();
    server = undefined;
    await expect(get('/healthz')).rejects.toThrow();
  });
});
