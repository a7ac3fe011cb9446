// The executor's spans. A candle reaches the executor twice, once itself
// (core subject) and once in each strategy's signal (JetStream), each with
// its own context of the same trace. The decision span continues the trace
// from the first signal of the candle (so the chain reads candle, evaluate,
// signal, decide) and links the candle and any other strategy's signal.
// Orders are children of their decision; a fill is a child of its order's
// span, which is a candle or more earlier (the paper venue fills an order on
// a later candle), and links the span in which it was booked: the later
// candle's match (a child of that candle's delivery: fills of working orders
// are booked as the candle arrives) or its decision.
import {
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import { failSpan } from './pipeline.ts';
import { ATTR, pipelineTracer, SPAN_NAMES, tracing } from './spans.ts';

interface Arrived {
  candle?: Context;
  readonly signals: Context[];
}

export interface TracedOrder {
  readonly id: string;
  readonly symbol: string;
  readonly side: string;
  readonly type: string;
  readonly quantity: string;
  readonly price?: string | undefined;
  /** Strategies whose signal agreed with the decision. */
  readonly strategies?: readonly string[];
}

export interface TracedFill {
  readonly orderId: string;
  readonly tradeId: string;
  readonly symbol: string;
  readonly price: { toFixed(): string };
  readonly quantity: { toFixed(): string };
  readonly liquidity: string;
}

const NO_DENIALS: readonly { readonly code: string }[] = [];

/** Order spans kept for their fills: a paper order fills within a few candles, a limit order may wait longer. */
const ORDERS_KEPT = 4096;

export class ExecutorTraces {
  /** Per symbol, per candle open time, the contexts that arrived. */
  readonly #arrived = new Map<string, Map<number, Arrived>>();
  readonly #orders = new Map<string, SpanContext>();
  /** Every untraced match's decision: one object, since an untraced Decision keeps nothing of its own. */
  readonly #untracedMatch = new Decision(undefined, this.#orders, NO_DENIALS);

  #entry(symbol: string, t: number): Arrived {
    let bySymbol = this.#arrived.get(symbol);
    if (!bySymbol) {
      bySymbol = new Map();
      this.#arrived.set(symbol, bySymbol);
    }
    let entry = bySymbol.get(t);
    if (!entry) {
      entry = { signals: [] };
      bySymbol.set(t, entry);
    }
    return entry;
  }

  candle(symbol: string, t: number, context: Context): void {
    if (trace.getSpanContext(context)) this.#entry(symbol, t).candle = context;
  }

  signal(symbol: string, t: number, context: Context): void {
    if (trace.getSpanContext(context)) this.#entry(symbol, t).signals.push(context);
  }

  /** Takes what arrived for the candle, and forgets it and anything older of the symbol. */
  #take(symbol: string, t: number): Arrived | undefined {
    const bySymbol = this.#arrived.get(symbol);
    if (!bySymbol) return undefined;
    const entry = bySymbol.get(t);
    for (const key of bySymbol.keys()) if (key <= t) bySymbol.delete(key);
    return entry;
  }

  /**
   * The span of a candle's fills of working orders, booked as the candle
   * arrived and before its decision (Executor's early match): a child of the
   * candle's delivery. What arrived for the candle stays for its decision.
   */
  match(symbol: string, t: number): Decision {
    if (!tracing()) return this.#untracedMatch;
    const candle = this.#arrived.get(symbol)?.get(t)?.candle;
    const span = pipelineTracer().startSpan(
      SPAN_NAMES.executorMatch,
      { kind: SpanKind.CONSUMER, attributes: { [ATTR.symbol]: symbol, [ATTR.candleTime]: t } },
      candle ?? ROOT_CONTEXT,
    );
    return new Decision(span, this.#orders, NO_DENIALS);
  }

  /**
   * The decision span of one candle; end() it when the step is done. A re-step
   * after a restart (replaying) makes the same decisions again and traces none.
   */
  decide(
    symbol: string,
    t: number,
    replaying: boolean,
    denials: readonly { readonly code: string }[],
  ): Decision {
    const arrived = this.#take(symbol, t);
    if (replaying || !tracing()) return new Decision(undefined, this.#orders, denials);
    const [parent, ...others] = [...(arrived?.signals ?? []), ...(arrived?.candle ? [arrived.candle] : [])];
    const links: Link[] = [];
    for (const c of others) {
      const sc = trace.getSpanContext(c);
      if (sc) links.push({ context: sc });
    }
    const span = pipelineTracer().startSpan(
      SPAN_NAMES.executorDecide,
      {
        kind: SpanKind.CONSUMER,
        attributes: { [ATTR.symbol]: symbol, [ATTR.candleTime]: t },
        links,
      },
      parent ?? ROOT_CONTEXT,
    );
    return new Decision(span, this.#orders, denials);
  }
}

/** One candle's decision: its orders and fills become spans under it. */
export class Decision {
  readonly #span: Span | undefined;
  readonly #orders: Map<string, SpanContext>;
  readonly #denials: readonly { readonly code: string }[];
  readonly #denialsBefore: number;
  #orderCount = 0;
  #fillCount = 0;

  constructor(
    span: Span | undefined,
    orders: Map<string, SpanContext>,
    denials: readonly { readonly code: string }[],
  ) {
    this.#span = span;
    this.#orders = orders;
    this.#denials = denials;
    this.#denialsBefore = denials.length;
  }

  /** Whether its orders and fills become spans: when false, order() and fill() only call their `record`. */
  get traced(): boolean {
    return this.#span?.isRecording() === true;
  }

  get #context(): Context {
    return this.#span ? trace.setSpan(ROOT_CONTEXT, this.#span) : ROOT_CONTEXT;
  }

  /** Records an order (the kernel's id) inside an `order place` span. */
  async order<R>(order: TracedOrder, record: () => Promise<R>): Promise<R> {
    // Not traced (a re-step, no SDK, or sampled out): no span work on the order path.
    if (!this.#span?.isRecording()) return record();
    this.#orderCount++;
    const span = pipelineTracer().startSpan(
      SPAN_NAMES.orderPlace,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR.orderId]: order.id,
          [ATTR.symbol]: order.symbol,
          [ATTR.side]: order.side,
          [ATTR.orderType]: order.type,
          [ATTR.quantity]: order.quantity,
          ...(order.price ? { [ATTR.price]: order.price } : {}),
          ...(order.strategies ? { [ATTR.strategies]: [...order.strategies] } : {}),
        },
      },
      this.#context,
    );
    this.#orders.set(order.id, span.spanContext());
    if (this.#orders.size > ORDERS_KEPT) this.#orders.delete(this.#orders.keys().next().value!);
    return ended(span, record);
  }

  /**
   * Books a fill inside a `fill record` span under its order's; `record` answers whether it was new.
   * The venue's event carries the fill, read only when traced (a counted fill makes its decimals then).
   */
  async fill(event: { readonly fill: TracedFill }, record: () => Promise<boolean>): Promise<boolean> {
    if (!this.#span?.isRecording()) return record();
    this.#fillCount++;
    const { fill } = event;
    const order = this.#orders.get(fill.orderId);
    const span = pipelineTracer().startSpan(
      SPAN_NAMES.fillRecord,
      {
        attributes: {
          [ATTR.orderId]: fill.orderId,
          [ATTR.fillId]: `${fill.orderId}:${fill.tradeId}`,
          [ATTR.symbol]: fill.symbol,
          [ATTR.fillPrice]: fill.price.toFixed(),
          [ATTR.fillQuantity]: fill.quantity.toFixed(),
          [ATTR.liquidity]: fill.liquidity,
        },
        // Booked during this decision, caused by the earlier one that placed the order.
        ...(order ? { links: [{ context: this.#span.spanContext() }] } : {}),
      },
      order ? trace.setSpanContext(ROOT_CONTEXT, order) : this.#context,
    );
    return ended(span, async () => {
      const fresh = await record();
      span.setAttribute(ATTR.duplicate, !fresh);
      return fresh;
    });
  }

  end(): void {
    const span = this.#span;
    if (!span) return;
    for (let i = this.#denialsBefore; i < this.#denials.length; i++)
      span.addEvent('risk denied', { 'botcore.risk.code': this.#denials[i]!.code });
    span.setAttributes({
      [ATTR.orders]: this.#orderCount,
      [ATTR.fills]: this.#fillCount,
      [ATTR.denials]: this.#denials.length - this.#denialsBefore,
    });
    span.end();
  }

  fail(error: unknown): void {
    if (this.#span) failSpan(this.#span, error);
  }
}

async function ended<R>(span: Span, work: () => Promise<R>): Promise<R> {
  try {
    return await work();
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}
