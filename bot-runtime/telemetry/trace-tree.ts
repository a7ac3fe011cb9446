// Reads a trace as its spans and their parent and link relations, whatever
// recorded it (the SDK's in-memory exporter in unit tests, OTLP in the
// integration test). Used by tests to walk from a fill back to its candle.

export interface SpanRecord {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly links: readonly string[];
  readonly attributes: Readonly<Record<string, unknown>>;
  /** `service.name` of the process that recorded it, when known. */
  readonly service?: string;
}

/** The chain from a span up to its trace's root, the span first. */
export function ancestry(spans: readonly SpanRecord[], from: SpanRecord): SpanRecord[] {
  const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
  const chain = [from];
  let current = from;
  while (current.parentSpanId) {
    const parent = byId.get(`${current.traceId}/${current.parentSpanId}`);
    if (!parent) break;
    chain.push(parent);
    current = parent;
  }
  return chain;
}
