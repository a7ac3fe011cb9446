export { Decimal, type DecimalValue, dec, toFloat, ZERO } from './decimal.ts';
export { DomainError, DomainErrorCode, DuplicateFill, InvalidStateTransition } from './errors.ts';
export type { Fill, Liquidity } from './fill.ts';
export { Instrument, type InstrumentSpec, type OrderSide, type OrderSize } from './instrument.ts';
export { Money } from './money.ts';
export {
  applyOrderEvent,
  createOrder,
  createSubmittedOrder,
  initialOrder,
  leavesQuantity,
  type Order,
  type OrderEvent,
  type OrderInit,
  type OrderType,
  replayOrder,
  type TimeInForce,
} from './order.ts';
export { isOpen, isTerminal, ORDER_TRANSITIONS, OrderEventType, OrderStatus } from './order-transitions.ts';
export { type EquityPoint, type Marks, Portfolio, type PositionSeed } from './portfolio.ts';
export {
  applyFillToPosition,
  flatPosition,
  type Position,
  positionSide,
  seededPosition,
  unrealizedPnl,
} from './position.ts';
