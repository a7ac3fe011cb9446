// Tracing across processes: the feed, a strategy worker and the executor run
// as `botcore runtime` processes on the real NATS (and the executor on the
// real MongoDB and Redis), each exporting OTLP/HTTP JSON to a collector
// stand-in. A fill's trace must run, by parent links carried in the NATS
// headers, from the executor's fill back through its order and decision to
// the strategy's signal and evaluation, and to the feed's candle.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerDatabase } from '../../bot-runtime/store/runtime-state.ts';
import { ATTR, SPAN_NAMES } from '../../bot-runtime/telemetry/spans.ts';
import { ancestry, type SpanRecord } from '../../bot-runtime/telemetry/trace-tree.ts';
import { subjectsFor } from '../../crds/runtime-config/index.ts';
import { removeBot, serverUrl } from '../runtime-faults/harness.ts';
import { type OtlpCollector, startOtlpCollector } from './otlp-collector.ts';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'bot-runtime', 'cli', 'botcore.ts');
const bundled = join(root, 'examples', 'data', 'ETH-BTC_5m.csv');

const children: ChildProcess[] = [];
let collector: OtlpCollector | undefined;

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await collector?.close();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

async function until<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 60_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function ready(port: number): Promise<true | undefined> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined;
  } catch {
    return undefined;
  }
}

describe('candle-to-fill trace across the runtime processes', () => {
  it('links the fill, order, decision, signal, evaluation and candle spans of three processes in one trace', async () => {
    collector = await startOtlpCollector();
    const name = `traced-${randomBytes(3).toString('hex')}`;
    const address = { namespace: 'telemetry', bot: name };
    const dir = mkdtempSync(join(tmpdir(), 'botcore-traced-'));
    const data = join(dir, 'ETH-BTC_5m.csv');
    // Two days of the bundled candles: enough for a dozen round trips of the RSI strategy.
    writeFileSync(data, `${readFileSync(bundled, 'utf8').split('\n').slice(0, 577).join('\n')}\n`);
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        version: 'botcore.dev/runtime-config/v1',
        bot: { name, namespace: address.namespace, uid: 'u-1' },
        mode: 'paper',
        exchange: { name: 'binance', testnet: true },
        symbols: ['ETH/BTC'],
        timeframe: '5m',
        marketData: {
          source: 'replay',
          replay: { files: [{ symbol: 'ETH/BTC', path: data }], speed: 60_000 },
        },
        capital: { amount: '1', currency: 'BTC' },
        strategies: [{ name: 'rsi', type: 'rsi', rsi: { period: 14, overbought: 70, oversold: 30 } }],
        ensemble: {},
        execution: {},
        connections: { nats: { url: 'nats://unused:4222' } },
        subjects: subjectsFor(address.namespace, name),
        health: { port: 8081 },
        logLevel: 'warn',
      }),
    );
    const start = async (args: string[]): Promise<{ child: ChildProcess; output: () => string }> => {
      const health = await freePort();
      let output = '';
      const child = spawn(process.execPath, [cli, 'runtime', '--config', config, ...args], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          BOTCORE_HEALTH_PORT: String(health),
          OTEL_EXPORTER_OTLP_ENDPOINT: collector!.endpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_BSP_SCHEDULE_DELAY: '200',
          // A loaded machine answers slowly; a dropped export would lose a whole batch of spans.
          OTEL_EXPORTER_OTLP_TIMEOUT: '30000',
        },
      });
      children.push(child);
      child.stdout?.on('data', (d) => {
        output += d;
      });
      child.stderr?.on('data', (d) => {
        output += d;
      });
      await until(`${args.join(' ')} ready (${output})`, () => {
        if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited: ${output}`);
        return ready(health);
      });
      return { child, output: () => output };
    };
    try {
      // Subscribers first: candles travel on core NATS, which keeps nothing for late subscribers.
      const executor = await start(['--role', 'executor']);
      const strategy = await start(['--role', 'strategy', '--strategy', 'rsi']);
      const feed = await start(['--role', 'feed']);

      const isFill = (s: SpanRecord) => s.name === SPAN_NAMES.fillRecord && s.service === 'botcore-executor';
      const chainOf = (fill: SpanRecord) => ancestry(collector!.spans, fill);
      // Spans arrive in batches from three processes: wait for a fill whose whole chain is in.
      // On a timeout, say what did arrive.
      const arrived = () => {
        const counts = new Map<string, number>();
        for (const s of collector!.spans)
          counts.set(`${s.service}/${s.name}`, (counts.get(`${s.service}/${s.name}`) ?? 0) + 1);
        return JSON.stringify(Object.fromEntries(counts));
      };
      const chain = await until(
        () =>
          `a fill traced back to its candle (spans: ${arrived()}; exit codes: ${[executor, strategy, feed].map((c) => c.child.exitCode)}; executor: ${executor.output()})`,
        () =>
          collector!.spans
            .filter(isFill)
            .map(chainOf)
            .find((c) => c.at(-1)?.name === SPAN_NAMES.candlePublish),
      );
      for (const c of [feed, strategy, executor]) c.child.kill('SIGTERM');
      await Promise.all(
        [feed, strategy, executor].map(
          (c) =>
            new Promise((resolve) =>
              c.child.exitCode !== null ? resolve(0) : c.child.once('exit', resolve),
            ),
        ),
      );
      expect(collector.rejected).toEqual([]);

      expect(chain.map((s) => [s.name, s.service])).toEqual([
        [SPAN_NAMES.fillRecord, 'botcore-executor'],
        [SPAN_NAMES.orderPlace, 'botcore-executor'],
        [SPAN_NAMES.executorDecide, 'botcore-executor'],
        [SPAN_NAMES.signalPublish, 'botcore-strategy'],
        [SPAN_NAMES.strategyEvaluate, 'botcore-strategy'],
        [SPAN_NAMES.candlePublish, 'botcore-feed'],
      ]);
      expect(new Set(chain.map((s) => s.traceId)).size).toBe(1);
      const [fill, order, decide, signal, evaluate, candle] = chain as [
        SpanRecord,
        SpanRecord,
        SpanRecord,
        SpanRecord,
        SpanRecord,
        SpanRecord,
      ];
      expect(candle.parentSpanId).toBeUndefined();
      expect(fill.attributes[ATTR.orderId]).toBe(order.attributes[ATTR.orderId]);
      expect(evaluate.attributes).toMatchObject({ [ATTR.strategy]: 'rsi', [ATTR.symbol]: 'ETH/BTC' });
      const t = candle.attributes[ATTR.candleTime];
      expect(evaluate.attributes[ATTR.candleTime]).toBe(t);
      expect(decide.attributes[ATTR.candleTime]).toBe(t);
      expect(signal.attributes[ATTR.messageId]).toBe(`rsi:ETH/BTC:${t}`);
      // The executor's own copy of the candle (its core NATS subscription) is linked, same trace.
      expect(decide.links).toEqual([candle.spanId]);

      // Every process shut down cleanly and flushed: the last candle's spans reached the collector.
      for (const c of [feed, strategy, executor]) expect(c.child.exitCode).toBe(0);
      // No connection string (credentials included) in any span.
      const secrets = [serverUrl('MONGODB_URL'), serverUrl('REDIS_URL'), serverUrl('NATS_URL')];
      const text = JSON.stringify(collector.spans);
      for (const s of secrets) expect(text).not.toContain(s);
    } finally {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      await removeBot(address, ledgerDatabase(address));
    }
  }, 120_000);
});
