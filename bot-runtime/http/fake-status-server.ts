// Test support (kept out of the build by its name): a status server over a
// memory source, with a real token issuer and the log lines it wrote.
import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { Registry } from 'prom-client';
import { type FakeIssuer, fakeIssuer, TEST_BOT, testConfig } from './fake-tokens.ts';
import { MemoryStatusSource } from './memory-status-source.ts';
import { buildStatusServer, type StatusServer, statusLogger } from './server.ts';
import type { BotStatusSource } from './status-source.ts';

export interface TestServer {
  readonly server: StatusServer;
  /** The seeded memory source (or, when a custom source was given, a fresh one nobody reads). */
  readonly source: MemoryStatusSource;
  readonly issuer: FakeIssuer;
  /** A valid token for TEST_BOT. */
  readonly token: string;
  /** Every log line the server wrote, as text. */
  readonly logs: string[];
  readonly registry: Registry;
  inject(
    url: string,
    token?: string | null,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

export const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

export async function testServer(
  overrides: Record<string, unknown> = {},
  options: { source?: BotStatusSource; now?: () => number } = {},
): Promise<TestServer> {
  const issuer = fakeIssuer('ES256');
  const given = options.source;
  const source = given instanceof MemoryStatusSource ? given : seededSource();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = testConfig({ logLevel: 'trace', ...overrides });
  const registry = new Registry();
  const server = await buildStatusServer({
    config,
    source: given ?? source,
    keys: [issuer.verificationKey],
    logger: statusLogger('trace', sink),
    registry,
    ...(options.now ? { now: options.now } : {}),
  });
  const token = await issuer.sign();
  return {
    server,
    source,
    issuer,
    token,
    logs,
    registry,
    inject: (url, t = token, headers = {}) =>
      server.app.inject({
        method: 'GET',
        url,
        headers: { ...(t ? { authorization: `Bearer ${t}` } : {}), ...headers },
      }),
  };
}

/** A source with a day of equity from `start`, two positions and 120 trades. */
export function seededSource(start = T0): MemoryStatusSource {
  const source = new MemoryStatusSource({ bot: TEST_BOT, currency: 'BTC', initialEquity: '1' });
  for (let i = 0; i < 24 * 60; i++)
    source.recordEquity(start + i * 60_000, (1 + Math.sin(i / 90) / 50).toFixed(8));
  source.setPositions([
    {
      symbol: 'ETH/BTC',
      side: 'long',
      quantity: '2.5',
      entryPrice: '0.0512',
      markPrice: '0.0520',
      unrealizedPnl: '0.002',
    },
    { symbol: 'LTC/BTC', side: 'short', quantity: '10', entryPrice: '0.0011', unrealizedPnl: '-0.0001' },
  ]);
  for (let i = 0; i < 120; i++) {
    source.recordTrade({
      id: `trade-${i}`,
      orderId: `order-${i}`,
      symbol: i % 3 === 0 ? 'LTC/BTC' : 'ETH/BTC',
      side: i % 2 === 0 ? 'buy' : 'sell',
      quantity: '0.5',
      price: '0.0512',
      fee: '0.0000256',
      feeCurrency: 'BTC',
      liquidity: i % 4 === 0 ? 'maker' : 'taker',
      time: new Date(start + i * 600_000).toISOString(),
      ...(i % 2 === 1 ? { realizedPnl: i % 5 === 0 ? '-0.0003' : '0.0003' } : {}),
    });
  }
  source.update({
    risk: {
      state: 'CoolingDown',
      reason: 'COOLDOWN: losses=5',
      until: new Date(start + 86_400_000).toISOString(),
    },
    strategies: [{ name: 'rsi-fast', type: 'rsi', ready: true, lastSignal: 'buy' }],
  });
  return source;
}
