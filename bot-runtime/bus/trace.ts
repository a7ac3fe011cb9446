// W3C trace context in message headers, through the OpenTelemetry API's
// propagation (the telemetry setup registers the W3C propagator globally).
import { type Context, context, propagation, ROOT_CONTEXT, type TextMapPropagator } from '@opentelemetry/api';

export type TraceHeaders = Record<string, string>;

/** The headers that carry `ctx` (empty when no propagator is registered or no span is active). */
export function injectTrace(
  ctx: Context | undefined,
  propagator: TextMapPropagator = propagation,
): TraceHeaders {
  const carrier: TraceHeaders = {};
  propagator.inject(ctx ?? context.active(), carrier, {
    set: (c, k, v) => {
      c[k] = v;
    },
  });
  return carrier;
}

/** The context the headers carry (the root context when they carry none). */
export function extractTrace(
  headers: Readonly<Record<string, string | undefined>>,
  propagator: TextMapPropagator = propagation,
): Context {
  return propagator.extract(ROOT_CONTEXT, headers, {
    get: (c, k) => c[k],
    keys: (c) => Object.keys(c),
  });
}
