// With an OpenTelemetry SDK registered (as the process does in production),
// requests continue the caller's trace, the source's own spans become
// children of the request's, and each stream fan-out links to the span of
// the update that caused it (the fill at the end of a candle's trace).
import { context, propagation, type SpanContext, trace } from '@opentelemetry/api';
import { node as sdk } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seededSource, testServer } from './fake-status-server.ts';
import type { BotStatusSource } from './status-source.ts';

const exporter = new sdk.InMemorySpanExporter();
let provider: InstanceType<typeof sdk.NodeTracerProvider>;

beforeAll(() => {
  provider = new sdk.NodeTracerProvider({ spanProcessors: [new sdk.SimpleSpanProcessor(exporter)] });
  provider.register();
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

function tracedSource(): BotStatusSource {
  const source = seededSource();
  return {
    bot: source.bot,
    // The executor's own work shows up under the request.
    status: () =>
      trace.getTracer('executor').startActiveSpan('executor.status', (span) => {
        try {
          return source.status();
        } finally {
          span.end();
        }
      }),
    positions: () => source.positions(),
    trades: (q) => source.trades(q),
    equity: (q) => source.equity(q),
    subscribe: (l) => source.subscribe(l),
    health: () => source.health(),
  };
}

describe('tracing', () => {
  it('makes a SERVER span per request that continues the caller trace, with the source spans inside', async () => {
    const t = await testServer({}, { source: tracedSource() });
    try {
      const res = await t.inject('/api/v1/status', undefined, {
        traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
      });
      expect(res.statusCode).toBe(200);
      const spans = exporter.getFinishedSpans();
      const server = spans.find((s) => s.name === 'GET /api/v1/status');
      expect(server).toBeDefined();
      expect(server!.kind).toBe(1); // SpanKind.SERVER
      expect(server!.spanContext().traceId).toBe(TRACE_ID);
      expect(server!.parentSpanContext?.spanId).toBe(PARENT_ID);
      expect(server!.attributes).toMatchObject({
        'http.request.method': 'GET',
        'http.route': '/api/v1/status',
        'http.response.status_code': 200,
      });
      const inner = spans.find((s) => s.name === 'executor.status');
      expect(inner?.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
      expect(inner?.spanContext().traceId).toBe(TRACE_ID);
    } finally {
      await t.server.close();
    }
  });

  it('marks a 5xx span as an error', async () => {
    const source = seededSource();
    source.positions = () => {
      throw new Error('boom');
    };
    const t = await testServer({}, { source });
    try {
      expect((await t.inject('/api/v1/positions')).statusCode).toBe(500);
      const span = exporter.getFinishedSpans().find((s) => s.name === 'GET /api/v1/positions');
      expect(span?.status.code).toBe(2); // SpanStatusCode.ERROR
    } finally {
      await t.server.close();
    }
  });

  it('links each stream fan-out to the span of the update that caused it', async () => {
    const t = await testServer();
    try {
      const address = await t.server.listen();
      const ws = new WebSocket(`${address.replace('http', 'ws')}/api/v1/stream`, {
        headers: { authorization: `Bearer ${t.token}` },
      });
      // The hello first.
      await new Promise<void>((resolve, reject) => {
        ws.once('message', () => resolve());
        ws.once('error', reject);
      });
      // The executor records the trade inside its fill span; the source carries that context along.
      const received = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
      let fill: SpanContext | undefined;
      trace.getTracer('executor').startActiveSpan('executor.fill', (span) => {
        fill = span.spanContext();
        t.source.recordTrade({ ...t.source.trades({ limit: 1 }).items[0]!, id: 'traced' });
        span.end();
      });
      expect(JSON.parse(await received)).toMatchObject({ type: 'trade', trade: { id: 'traced' } });
      ws.close();
      const fanOut = exporter.getFinishedSpans().find((s) => s.name === 'stream trade');
      expect(fanOut).toBeDefined();
      expect(fanOut!.links.map((l) => l.context.spanId)).toEqual([fill!.spanId]);
      expect(fanOut!.attributes['botcore.stream.subscribers']).toBe(1);
    } finally {
      await t.server.close();
    }
  });
});
