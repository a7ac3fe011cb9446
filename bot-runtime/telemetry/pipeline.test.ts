// The whole chain in one process (the bus of `botcore run`), with the SDK's
// in-memory exporter: a fill's trace runs back through its order, the
// decision, the signal and the strategy's evaluation to the published candle.
import { context, propagation, trace } from '@opentelemetry/api';
import { node as sdk } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candleAt } from '../market-data/index.ts';
import { demoExecutor } from '../runtime/demo-executor.ts';
import { StrategyWorker } from '../runtime/signals.ts';
import { publishCandle } from './pipeline.ts';
import { ATTR, SPAN_NAMES } from './spans.ts';
import { ancestry, type SpanRecord } from './trace-tree.ts';

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

function records(): SpanRecord[] {
  return exporter.getFinishedSpans().map((s) => ({
    name: s.name,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId,
    links: s.links.map((l) => l.context.spanId),
    attributes: s.attributes,
  }));
}

describe('pipeline spans on the in-process bus', () => {
  it('puts candle, evaluation, signal, decision, order and fill in one trace with parent links; the fill links the match that booked it', async () => {
    const { bot, series, bus, executor, close } = await demoExecutor();
    const worker = new StrategyWorker({ bus, bot, strategy: 'rsi' });
    try {
      await worker.start();
      await executor.start();
      for (let i = 0; i < series.length && executor.kernel.fills.length === 0; i++) {
        publishCandle(bus, { symbol: 'ETH/BTC', timeframe: bot.timeframe, candle: candleAt(series, i) });
        while (executor.kernel.candles <= i) await new Promise((r) => setTimeout(r, 1));
        await executor.settle();
      }
      expect(executor.kernel.fills.length).toBeGreaterThan(0);

      const spans = records();
      const fill = spans.find((s) => s.name === SPAN_NAMES.fillRecord);
      expect(fill).toBeDefined();
      const chain = ancestry(spans, fill!);
      expect(chain.map((s) => s.name)).toEqual([
        SPAN_NAMES.fillRecord,
        SPAN_NAMES.orderPlace,
        SPAN_NAMES.executorDecide,
        SPAN_NAMES.signalPublish,
        SPAN_NAMES.strategyEvaluate,
        SPAN_NAMES.candlePublish,
      ]);
      expect(new Set(chain.map((s) => s.traceId)).size).toBe(1);
      const [, order, decide, , evaluate, candle] = chain;
      expect(order!.attributes[ATTR.orderId]).toBe(fill!.attributes[ATTR.orderId]);
      expect(evaluate!.attributes).toMatchObject({ [ATTR.strategy]: 'rsi', [ATTR.signal]: 1 });
      expect(candle!.attributes[ATTR.candleTime]).toBe(decide!.attributes[ATTR.candleTime]);
      // The decision links the candle's own delivery (same trace, the executor's subscription).
      expect(decide!.links).toEqual([candle!.spanId]);
      // The order was placed on an earlier candle than the one that filled it, and the fill was
      // booked as that candle arrived: in a match span under the candle's publish, before its decision.
      const booking = spans.find((s) => s.spanId === fill!.links[0]);
      expect(booking?.name).toBe(SPAN_NAMES.executorMatch);
      expect(booking!.attributes[ATTR.candleTime]).toBeGreaterThan(
        decide!.attributes[ATTR.candleTime] as number,
      );
      const filling = spans.find((s) => s.spanId === booking!.parentSpanId);
      expect(filling?.name).toBe(SPAN_NAMES.candlePublish);
      expect(filling!.attributes[ATTR.candleTime]).toBe(booking!.attributes[ATTR.candleTime]);
      expect(filling!.traceId).not.toBe(fill!.traceId);
    } finally {
      await worker.stop();
      await close();
    }
  });
});
