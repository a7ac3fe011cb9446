// A netting position in one instrument: signed quantity (long > 0, short < 0),
// average entry price, and realised PnL in the quote currency. Immutable;
// `applyFillToPosition` returns the next one.
import { Decimal, dec, ZERO } from './decimal.ts';
import { DomainError, DomainErrorCode } from './errors.ts';
import type { Fill } from './fill.ts';
import { Money } from './money.ts';

export interface Position {
  readonly symbol: string;
  readonly quote: string;
  /** Signed: the sum of bought minus sold quantity. */
  readonly quantity: Decimal;
  /** Average entry price of the open quantity; zero when flat. */
  readonly averagePrice: Decimal;
  /** Realised PnL before fees, in the quote currency. */
  readonly realizedPnl: Money;
  readonly boughtQuantity: Decimal;
  readonly soldQuantity: Decimal;
  readonly fillCount: number;
}

export function flatPosition(symbol: string, quote: string): Position {
  return {
    symbol,
    quote,
    quantity: ZERO,
    averagePrice: ZERO,
    realizedPnl: Money.zero(quote),
    boughtQuantity: ZERO,
    soldQuantity: ZERO,
    fillCount: 0,
  };
}

/** A position as a restart resumes it: its quantity and average price, and the PnL realised so far. */
export function seededPosition(
  seed: { symbol: string; quantity: Decimal; averagePrice: Decimal; realizedPnl?: Decimal },
  quote: string,
): Position {
  const quantity = dec(seed.quantity);
  const averagePrice = dec(seed.averagePrice);
  if (!quantity.isFinite())
    throw new DomainError(DomainErrorCode.INVALID_QUANTITY, 'position quantity must be finite', {
      symbol: seed.symbol,
      quantity,
    });
  if (!quantity.isZero() && !(averagePrice.isFinite() && averagePrice.gt(0)))
    throw new DomainError(DomainErrorCode.INVALID_PRICE, 'an open position needs a positive average price', {
      symbol: seed.symbol,
      average_price: averagePrice,
    });
  return {
    symbol: seed.symbol,
    quote,
    quantity,
    averagePrice: quantity.isZero() ? ZERO : averagePrice,
    realizedPnl: new Money(seed.realizedPnl ?? ZERO, quote),
    boughtQuantity: quantity.isPositive() ? quantity : ZERO,
    soldQuantity: quantity.isNegative() ? quantity.negated() : ZERO,
    fillCount: 0,
  };
}

export type PositionSide = 'LONG' | 'SHORT' | 'FLAT';

export function positionSide(p: Position): PositionSide {
  return p.quantity.isZero() ? 'FLAT' : p.quantity.isPositive() ? 'LONG' : 'SHORT';
}

export function applyFillToPosition(p: Position, fill: Fill): Position {
  if (fill.symbol !== p.symbol) {
    throw new DomainError(DomainErrorCode.ORDER_MISMATCH, 'fill is for another instrument', {
      position: p.symbol,
      fill: fill.symbol,
    });
  }
  const qty = dec(fill.quantity);
  const px = dec(fill.price);
  if (!qty.isFinite() || qty.lte(0)) {
    throw new DomainError(DomainErrorCode.INVALID_QUANTITY, 'fill quantity must be positive', {
      trade_id: fill.tradeId,
      quantity: fill.quantity,
    });
  }
  if (!px.isFinite() || px.lte(0)) {
    throw new DomainError(DomainErrorCode.INVALID_PRICE, 'fill price must be positive', {
      trade_id: fill.tradeId,
      price: fill.price,
    });
  }
  const signed = fill.side === 'BUY' ? qty : qty.negated();
  const q = p.quantity;
  const next = q.plus(signed);
  let averagePrice = p.averagePrice;
  let realizedPnl = p.realizedPnl;
  if (q.isZero()) {
    // Opening: the volume-weighted entry price of one fill is its price.
    averagePrice = openingPrice(px, qty);
  } else if (q.isPositive() === signed.isPositive()) {
    // Adding: volume-weighted entry price.
    averagePrice = p.averagePrice.times(q.abs()).plus(px.times(qty)).div(q.abs().plus(qty));
  } else {
    // Reducing, closing or flipping.
    const closed = minDecimal(qty, q.abs());
    const direction = q.isPositive() ? 1 : -1;
    realizedPnl = new Money(
      realizedPnl.amount.plus(px.minus(p.averagePrice).times(closed).times(direction)),
      p.quote,
    );
    if (next.isZero()) averagePrice = ZERO;
    else if (next.isPositive() !== q.isPositive()) averagePrice = px;
  }
  return {
    symbol: p.symbol,
    quote: p.quote,
    quantity: next,
    averagePrice,
    realizedPnl,
    boughtQuantity: fill.side === 'BUY' ? p.boughtQuantity.plus(qty) : p.boughtQuantity,
    soldQuantity: fill.side === 'SELL' ? p.soldQuantity.plus(qty) : p.soldQuantity,
    fillCount: p.fillCount + 1,
  };
}

/**
 * `(0 * 0 + px * qty) / (0 + qty)`, the adding formula from flat, without its
 * division when it is exact: with at most 60 significant digits between them
 * (the domain's precision) the product does not round, so the quotient is `px`
 * itself. Otherwise the formula as written (tested equal).
 */
export function openingPrice(px: Decimal, qty: Decimal): Decimal {
  if (px.constructor === Decimal && px.sd() + qty.sd() <= Decimal.precision) return px;
  return ZERO.times(ZERO).plus(px.times(qty)).div(ZERO.plus(qty));
}

function minDecimal(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

/** Unrealised PnL at a mark price, in the quote currency. */
export function unrealizedPnl(p: Position, mark: Decimal): Money {
  if (p.quantity.isZero()) return Money.zero(p.quote);
  return new Money(dec(mark).minus(p.averagePrice).times(p.quantity), p.quote);
}
