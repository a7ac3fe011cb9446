// The feed's and the strategy workers' spans: a candle published (the root
// of the trace), a strategy's evaluation of it, and the signal it publishes.
// The context of each travels in the bus message's headers (bus/trace.ts).
import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Bus, MarketDataMessage } from '../bus/bus.ts';
import { ATTR, candleAttributes, pipelineTracer, SPAN_NAMES, tracing } from './spans.ts';

export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
}

/** Publishes a candle inside a new trace's root span, whose context the message carries. */
export function publishCandle(bus: Bus, message: MarketDataMessage): void {
  // The root of a trace: with no SDK there is none, and the message carries no context.
  if (!tracing()) {
    bus.publishMarketData(message, { context: ROOT_CONTEXT });
    return;
  }
  const span = pipelineTracer().startSpan(
    SPAN_NAMES.candlePublish,
    {
      kind: SpanKind.PRODUCER,
      root: true,
      attributes: candleAttributes(message.symbol, message.timeframe, message.candle.t),
    },
    ROOT_CONTEXT,
  );
  try {
    bus.publishMarketData(message, { context: trace.setSpan(ROOT_CONTEXT, span) });
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Runs a strategy on a received candle inside a span continuing the candle's
 * trace; answers the result and the context the signal is published under.
 */
export function evaluateCandle<T extends { readonly signal: number; readonly ready: boolean }>(
  parent: Context,
  strategy: string,
  message: MarketDataMessage,
  evaluate: () => T,
): { readonly result: T; readonly context: Context } {
  if (!tracing()) return { result: evaluate(), context: parent };
  const span = pipelineTracer().startSpan(
    SPAN_NAMES.strategyEvaluate,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        ...candleAttributes(message.symbol, message.timeframe, message.candle.t),
        [ATTR.strategy]: strategy,
      },
    },
    parent,
  );
  try {
    const result = evaluate();
    if (span.isRecording()) span.setAttributes({ [ATTR.signal]: result.signal, [ATTR.ready]: result.ready });
    return { result, context: trace.setSpan(parent, span) };
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Publishes a signal inside a span under `parent`; `publish` gets the context the message must carry. */
export async function publishSignal<R>(
  parent: Context,
  messageId: string,
  publish: (context: Context) => Promise<R>,
): Promise<R> {
  if (!tracing()) return publish(parent);
  const span = pipelineTracer().startSpan(
    SPAN_NAMES.signalPublish,
    { kind: SpanKind.PRODUCER, attributes: { [ATTR.messageId]: messageId } },
    parent,
  );
  try {
    return await publish(trace.setSpan(parent, span));
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}
