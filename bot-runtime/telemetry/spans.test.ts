// Without an SDK the pipeline makes no spans but still passes an upstream
// trace on; with one registered (even after the tracer was first asked for)
// its spans record.
import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { node as sdk } from '@opentelemetry/sdk-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketDataMessage } from '../bus/bus.ts';
import { evaluateCandle, publishSignal } from './pipeline.ts';
import { pipelineTracer, tracing } from './spans.ts';

const upstream = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
});

const message: MarketDataMessage = {
  symbol: 'ETH/BTC',
  timeframe: '5m',
  candle: { t: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 },
};

afterEach(() => {
  trace.disable();
  context.disable();
});

describe('pipeline spans without an SDK', () => {
  it('makes none and hands the upstream context on, so a traced producer’s trace continues', async () => {
    expect(tracing()).toBe(false);
    const { result, context: evaluated } = evaluateCandle(upstream, 'rsi', message, () => ({
      signal: 1,
      ready: true,
    }));
    expect(result.signal).toBe(1);
    expect(evaluated).toBe(upstream);
    const published = await publishSignal(evaluated, 'id-1', async (ctx) => ctx);
    expect(trace.getSpanContext(published)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('records spans once an SDK is registered, even with the tracer asked for before', async () => {
    pipelineTracer();
    const exporter = new sdk.InMemorySpanExporter();
    const provider = new sdk.NodeTracerProvider({ spanProcessors: [new sdk.SimpleSpanProcessor(exporter)] });
    provider.register();
    try {
      expect(tracing()).toBe(true);
      const { context: evaluated } = evaluateCandle(upstream, 'rsi', message, () => ({
        signal: 0,
        ready: true,
      }));
      expect(evaluated).not.toBe(upstream);
      expect(trace.getSpanContext(evaluated)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['strategy evaluate']);
    } finally {
      await provider.shutdown();
    }
    trace.disable();
    expect(tracing()).toBe(false);
  });
  it('follows a provider registered after another was disabled (a tracer is not kept past its provider)', async () => {
    const exported: number[] = [];
    for (let i = 0; i < 2; i++) {
      const exporter = new sdk.InMemorySpanExporter();
      const provider = new sdk.NodeTracerProvider({
        spanProcessors: [new sdk.SimpleSpanProcessor(exporter)],
      });
      provider.register();
      evaluateCandle(upstream, 'rsi', message, () => ({ signal: 0, ready: true }));
      exported.push(exporter.getFinishedSpans().length);
      await provider.shutdown();
      trace.disable();
      context.disable();
    }
    expect(exported).toEqual([1, 1]);
  });
});
