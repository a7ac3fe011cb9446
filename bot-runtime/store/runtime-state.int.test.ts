// The cluster wiring on the real servers: an executor's state from a runtime
// configuration, every dependency watched and up.
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { RuntimeConfig } from '../../crds/runtime-config/index.ts';
import { removeBot } from '../../test/runtime-faults/harness.ts';
import { openClusterState } from './runtime-state.ts';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through the integration project`);
  return value;
};

describe('openClusterState', () => {
  it('opens the bus, the MongoDB ledger and Redis for the executor, and reports them up', async () => {
    const bot = `state-${randomBytes(3).toString('hex')}`;
    const config = {
      bot: { name: bot, namespace: 'faults', uid: 'u' },
      connections: {
        nats: { url: env('NATS_URL') },
        redis: { url: env('REDIS_URL') },
        mongodb: { url: env('MONGODB_URL') },
      },
    } as unknown as RuntimeConfig;
    const registry = new Registry();
    const state = await openClusterState(config, 'executor', { registry });
    try {
      expect(state.monitor.canOpenPositions()).toBe(true);
      expect(Object.keys(state.monitor.states()).sort()).toEqual(['mongodb', 'nats', 'redis']);
      expect(await registry.getSingleMetricAsString('botcore_dependency_up')).toContain(
        'botcore_dependency_up{dependency="mongodb"} 1',
      );
      await state.ledger?.recordEquity({ t: 1, equity: '1', currency: 'BTC' });
      expect(await state.ledger?.equity()).toEqual([{ t: 1, equity: '1', currency: 'BTC' }]);
    } finally {
      await state.close();
      await removeBot({ namespace: 'faults', bot }, `botcore_faults_${bot}`);
    }
  });
});
