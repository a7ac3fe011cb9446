// The domain's typed errors. Codes are stable public API (the risk engine,
// logs and tests match on them); messages carry context as key=value pairs,
// e.g. `QUANTITY_BELOW_MINIMUM: quantity=0.0001, min_quantity=0.001`.

export const DomainErrorCode = {
  CURRENCY_MISMATCH: 'CURRENCY_MISMATCH',
  INVALID_AMOUNT: 'INVALID_AMOUNT',
  INVALID_INSTRUMENT: 'INVALID_INSTRUMENT',
  INVALID_PRICE: 'INVALID_PRICE',
  INVALID_QUANTITY: 'INVALID_QUANTITY',
  QUANTITY_BELOW_MINIMUM: 'QUANTITY_BELOW_MINIMUM',
  NOTIONAL_BELOW_MINIMUM: 'NOTIONAL_BELOW_MINIMUM',
  INVALID_ORDER: 'INVALID_ORDER',
  INVALID_STATE_TRANSITION: 'INVALID_STATE_TRANSITION',
  DUPLICATE_FILL: 'DUPLICATE_FILL',
  OVERFILL: 'OVERFILL',
  ORDER_MISMATCH: 'ORDER_MISMATCH',
  UNKNOWN_INSTRUMENT: 'UNKNOWN_INSTRUMENT',
} as const;
export type DomainErrorCode = (typeof DomainErrorCode)[keyof typeof DomainErrorCode];

export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  readonly code: DomainErrorCode;
  readonly context: Readonly<Record<string, string>>;

  constructor(code: DomainErrorCode, detail: string, context: Record<string, unknown> = {}) {
    const ctx: Record<string, string> = {};
    for (const [k, v] of Object.entries(context)) ctx[k] = String(v);
    const pairs = Object.entries(ctx)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    super(`${code}: ${detail}${pairs ? ` (${pairs})` : ''}`);
    this.code = code;
    this.context = ctx;
  }
}

/** An order event that its current status does not allow (one transition table decides). */
export class InvalidStateTransition extends DomainError {
  override readonly name = 'InvalidStateTransition';
  readonly from: string;
  readonly event: string;
  constructor(orderId: string, from: string, event: string) {
    super(
      DomainErrorCode.INVALID_STATE_TRANSITION,
      `order ${orderId} cannot apply ${event} in status ${from}`,
      {
        order_id: orderId,
        status: from,
        event,
      },
    );
    this.from = from;
    this.event = event;
  }
}

/** A fill whose trade id the order has already applied. */
export class DuplicateFill extends DomainError {
  override readonly name = 'DuplicateFill';
  constructor(orderId: string, tradeId: string) {
    super(DomainErrorCode.DUPLICATE_FILL, `order ${orderId} already has trade ${tradeId}`, {
      order_id: orderId,
      trade_id: tradeId,
    });
  }
}
