// The one table that says which order status may follow which event.
// Anything not listed is an InvalidStateTransition.

export const OrderStatus = {
  INITIALIZED: 'INITIALIZED',
  DENIED: 'DENIED',
  SUBMITTED: 'SUBMITTED',
  REJECTED: 'REJECTED',
  ACCEPTED: 'ACCEPTED',
  PENDING_CANCEL: 'PENDING_CANCEL',
  PARTIALLY_FILLED: 'PARTIALLY_FILLED',
  FILLED: 'FILLED',
  CANCELED: 'CANCELED',
  EXPIRED: 'EXPIRED',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

export const OrderEventType = {
  /** The risk engine refused the order before it left the process. */
  DENIED: 'OrderDenied',
  SUBMITTED: 'OrderSubmitted',
  REJECTED: 'OrderRejected',
  ACCEPTED: 'OrderAccepted',
  CANCEL_REQUESTED: 'OrderCancelRequested',
  CANCEL_REJECTED: 'OrderCancelRejected',
  CANCELED: 'OrderCanceled',
  EXPIRED: 'OrderExpired',
  FILLED: 'OrderFilled',
} as const;
export type OrderEventType = (typeof OrderEventType)[keyof typeof OrderEventType];

/** Marks a transition whose target depends on the state before (a fill, a cancel rejection). */
export const DEPENDS = 'DEPENDS' as const;
type Target = OrderStatus | typeof DEPENDS;

const S = OrderStatus;
const E = OrderEventType;

/**
 * status -> event -> next status. `DEPENDS`:
 * - OrderFilled: PARTIALLY_FILLED, or FILLED when nothing is left (and from PENDING_CANCEL a
 *   partial fill keeps PENDING_CANCEL: the cancel is still in flight);
 * - OrderCancelRejected: back to PARTIALLY_FILLED if anything filled, else to the status the
 *   cancel request interrupted (SUBMITTED or ACCEPTED);
 * - OrderAccepted while PENDING_CANCEL: stays PENDING_CANCEL (records the venue order id).
 */
export const ORDER_TRANSITIONS: Readonly<
  Record<OrderStatus, Readonly<Partial<Record<OrderEventType, Target>>>>
> = {
  [S.INITIALIZED]: { [E.DENIED]: S.DENIED, [E.SUBMITTED]: S.SUBMITTED },
  [S.SUBMITTED]: {
    [E.REJECTED]: S.REJECTED,
    [E.ACCEPTED]: S.ACCEPTED,
    [E.CANCEL_REQUESTED]: S.PENDING_CANCEL,
    // Some venues report an immediate fill, cancel (IOC) or expiry before the acceptance.
    [E.FILLED]: DEPENDS,
    [E.CANCELED]: S.CANCELED,
    [E.EXPIRED]: S.EXPIRED,
  },
  [S.ACCEPTED]: {
    [E.CANCEL_REQUESTED]: S.PENDING_CANCEL,
    [E.CANCELED]: S.CANCELED,
    [E.EXPIRED]: S.EXPIRED,
    [E.FILLED]: DEPENDS,
  },
  [S.PARTIALLY_FILLED]: {
    [E.CANCEL_REQUESTED]: S.PENDING_CANCEL,
    [E.CANCELED]: S.CANCELED,
    [E.EXPIRED]: S.EXPIRED,
    [E.FILLED]: DEPENDS,
  },
  [S.PENDING_CANCEL]: {
    // The venue's acceptance can arrive after we asked to cancel: still pending cancel.
    [E.ACCEPTED]: DEPENDS,
    [E.REJECTED]: S.REJECTED,
    [E.CANCELED]: S.CANCELED,
    [E.CANCEL_REJECTED]: DEPENDS,
    [E.EXPIRED]: S.EXPIRED,
    // A fill can race the cancel request.
    [E.FILLED]: DEPENDS,
  },
  [S.DENIED]: {},
  [S.REJECTED]: {},
  [S.FILLED]: {},
  [S.CANCELED]: {},
  [S.EXPIRED]: {},
};

/** Statuses no event can leave. */
export function isTerminal(status: OrderStatus): boolean {
  return Object.keys(ORDER_TRANSITIONS[status]).length === 0;
}

/** Open at the venue (may still fill). */
export function isOpen(status: OrderStatus): boolean {
  return (
    status === S.ACCEPTED ||
    status === S.PARTIALLY_FILLED ||
    status === S.PENDING_CANCEL ||
    status === S.SUBMITTED
  );
}

export function nextTarget(status: OrderStatus, event: OrderEventType): Target | undefined {
  return ORDER_TRANSITIONS[status][event];
}
