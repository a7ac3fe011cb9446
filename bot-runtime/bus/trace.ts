// W3C trace context in message headers, through the OpenTelemetry API's
// propagation (the telemetry setup registers the W3C propagator globally).
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';

export type TraceHeaders = Record<string, string>;

type Carrier = Readonly<Record<string, string | undefined>>;

// Shared, not made per message: every message of the runtime goes through these.
const setter: TextMapSetter<TraceHeaders> = {
  set: (c, k, v) => {
    c[k] = v;
  },
};
const getter: TextMapGetter<Carrier> = {
  get: (c, k) => c[k],
  keys: (c) => Object.keys(c),
};

/** The headers that carry `ctx` (empty when no propagator is registered or no span is active). */
export function injectTrace(
  ctx: Context | undefined,
  propagator: TextMapPropagator = propagation,
): TraceHeaders {
  const carrier: TraceHeaders = {};
  propagator.inject(ctx ?? context.active(), carrier, setter);
  return carrier;
}

/** The context the headers carry (the root context when they carry none). */
export function extractTrace(headers: Carrier, propagator: TextMapPropagator = propagation): Context {
  // No header, nothing to extract: what a propagator answers then is the context it was given.
  if (isEmpty(headers)) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, headers, getter);
}

function isEmpty(headers: Carrier): boolean {
  for (const _ in headers) return false;
  return true;
}
