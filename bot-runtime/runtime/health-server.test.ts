import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { startHealthServer } from './health-server.ts';

describe('the runtime pods’ health server', () => {
  it('answers /healthz always, /readyz only when ready, /metrics from the registry', async () => {
    const registry = new Registry();
    new Counter({ name: 'botcore_test_total', help: 'a test counter', registers: [registry] }).inc(3);
    let ready = false;
    const server = await startHealthServer(0, () => ready, registry, '127.0.0.1');
    const base = `http://127.0.0.1:${server.port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      ready = true;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('botcore_test_total 3');
      expect((await fetch(`${base}/nothing`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
