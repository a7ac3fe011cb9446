// Deleting a TradingBot: the finalizer asks the executor (over NATS) to halt
// and flatten; with an executor that answers, deletion goes on at once; with
// none, it goes on after the halt timeout (8 s here) and a Warning says so.
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import {
  botManifest,
  type Clients,
  clients,
  condition,
  createBot,
  createNamespace,
  executor,
  healthyReport,
  installCrds,
  keepReporting,
  natsConnection,
  type OperatorProcess,
  readBot,
  removeNamespace,
  startOperatorProcess,
  waitForBot,
  waitForEvent,
} from './harness.ts';

let c: Clients;
let ns: string;
let operator: OperatorProcess;
let nc: NatsConnection;

beforeAll(async () => {
  c = clients();
  await installCrds(c.kc);
  ns = await createNamespace(c, 'op-del');
  nc = await natsConnection();
  // Eight seconds of patience: long enough to see deletion held, short enough for a test.
  operator = startOperatorProcess({ namespace: ns, args: ['--no-leader-elect', '--halt-timeout', '8s'] });
  await operator.healthPort();
});

afterAll(async () => {
  await operator?.stop();
  await nc?.drain();
  if (ns) await removeNamespace(c, ns);
});

async function readyBot(name: string): Promise<() => void> {
  await createBot(c, ns, botManifest(name, { strategies: [{ name: 'rsi', type: 'rsi', rsi: {} }] }));
  const stop = keepReporting(nc, ns, name, () => healthyReport());
  await waitForBot(c, ns, name, 'Ready', (b) => condition(b, 'Ready')?.status === 'True');
  return stop;
}

async function deleteBot(name: string): Promise<void> {
  await c.custom.deleteNamespacedCustomObject({
    group: 'trading.botcore.dev',
    version: 'v1alpha1',
    namespace: ns,
    plural: 'tradingbots',
    name,
  });
}

describe('TradingBot deletion', () => {
  it('asks a responding executor to halt and flatten, then lets the bot go', async () => {
    const stopReports = await readyBot('answers');
    const exec = executor(nc, ns, 'answers', { ok: true, flattened: ['BTC/USDT'] });
    try {
      await deleteBot('answers');
      await eventually(
        async () => ((await readBot(c, ns, 'answers')) === undefined ? true : undefined),
        'the bot gone',
      );
      expect(exec.received).toContainEqual({ command: 'halt-and-flatten', reason: 'TradingBot deleted' });
      const event = await waitForEvent(c, ns, 'answers', 'HaltedAndFlattened');
      expect(event.message).toContain('BTC/USDT');
    } finally {
      exec.stop();
      stopReports();
    }
  });

  it('holds deletion while the executor is silent, then proceeds after the timeout with a Warning', async () => {
    const stopReports = await readyBot('silent');
    stopReports();
    // A subscriber that never answers: requests time out instead of failing fast.
    const exec = executor(nc, ns, 'silent', null);
    try {
      await deleteBot('silent');
      const terminating = await readBot(c, ns, 'silent');
      expect(terminating?.metadata.deletionTimestamp).toBeDefined();
      expect(terminating?.metadata.finalizers).toContain('trading.botcore.dev/halt-and-flatten');
      // Held while the executor has time to answer (the operator asks again each second).
      await eventually(
        async () => (exec.received.length >= 2 ? true : undefined),
        'at least two halt requests',
      );
      expect(await readBot(c, ns, 'silent')).toBeDefined();
      await eventually(
        async () => ((await readBot(c, ns, 'silent')) === undefined ? true : undefined),
        'the bot gone after the timeout',
      );
      const event = await waitForEvent(c, ns, 'silent', 'HaltTimeout');
      expect(event.type).toBe('Warning');
      expect(event.message).toContain('positions may remain open');
    } finally {
      exec.stop();
    }
  });

  it('proceeds after the timeout when nothing listens on NATS at all', async () => {
    const stopReports = await readyBot('nobody');
    stopReports();
    await deleteBot('nobody');
    await eventually(
      async () => ((await readBot(c, ns, 'nobody')) === undefined ? true : undefined),
      'the bot gone',
    );
    await waitForEvent(c, ns, 'nobody', 'HaltTimeout');
  });
});
