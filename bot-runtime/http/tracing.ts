// OpenTelemetry spans for the status endpoint, through the API only: the SDK
// (exporters, sampling) is set up by the process. With no SDK registered
// every call here is a cheap no-op.
//
// Each request gets a SERVER span named after its route, continuing the
// caller's trace (W3C traceparent). Each live update the stream fans out gets
// a span linked to the span that caused it, so a trace runs from the candle,
// through the fill, to the traders' screens.
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const TRACER_NAME = 'botcore.status-endpoint';

export function statusTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

const SPAN = Symbol('botcore.span');
type WithSpan = { [SPAN]?: Span };

const headerGetter = {
  keys: (carrier: FastifyRequest['headers']) => Object.keys(carrier),
  get: (carrier: FastifyRequest['headers'], key: string) => carrier[key],
};

export function startRequestSpan(tracer: Tracer, request: FastifyRequest): void {
  const route = request.routeOptions.url ?? 'unmatched';
  const parent = propagation.extract(ROOT_CONTEXT, request.headers, headerGetter);
  const span = tracer.startSpan(
    `${request.method} ${route}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': route },
    },
    parent,
  );
  (request as WithSpan)[SPAN] = span;
}

export function endRequestSpan(request: FastifyRequest, reply: FastifyReply): void {
  const span = (request as WithSpan)[SPAN];
  if (!span) return;
  span.setAttribute('http.response.status_code', reply.statusCode);
  if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** The request's span as the active context, so spans the source makes become its children. */
export function requestContext(request: FastifyRequest): Context {
  const span = (request as WithSpan)[SPAN];
  return span ? trace.setSpan(context.active(), span) : context.active();
}

export function inRequestContext<T>(request: FastifyRequest, fn: () => T): T {
  return context.with(requestContext(request), fn);
}

/** A span for one fan-out of a live update, linked to its cause when the update carries one. */
export function startBroadcastSpan(tracer: Tracer, type: string, cause: SpanContext | undefined): Span {
  return tracer.startSpan(`stream ${type}`, {
    kind: SpanKind.PRODUCER,
    attributes: { 'botcore.stream.event': type },
    ...(cause ? { links: [{ context: cause }] } : {}),
  });
}
