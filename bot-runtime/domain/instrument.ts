// An instrument owns its tick size, lot size and minimums: prices and order
// sizes are made by it, never by hand, so an order cannot carry a price the
// venue would reject for precision.
import { Decimal, type DecimalValue, dec } from './decimal.ts';
import { DomainError, DomainErrorCode } from './errors.ts';
import { Money } from './money.ts';

export type OrderSide = 'BUY' | 'SELL';

export interface InstrumentSpec {
  /** Venue symbol, e.g. `ETHBTC`; the id the rest of the runtime uses. */
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Smallest price step, e.g. `0.000001`. */
  readonly tickSize: DecimalValue;
  /** Smallest quantity step (Binance's LOT_SIZE stepSize), e.g. `0.001`. */
  readonly lotSize: DecimalValue;
  /** Smallest order quantity; the lot size when not given. */
  readonly minQuantity?: DecimalValue;
  /** Smallest price x quantity, in the quote currency; 0 when not given. */
  readonly minNotional?: DecimalValue;
}

export interface OrderSize {
  readonly price: Decimal;
  readonly quantity: Decimal;
  readonly notional: Money;
}

export class Instrument {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly tickSize: Decimal;
  readonly lotSize: Decimal;
  readonly minQuantity: Decimal;
  readonly minNotional: Money;
  /** Decimal places of the tick and the lot, for display and venue strings. */
  readonly pricePrecision: number;
  readonly quantityPrecision: number;
  /** The lot size is 10^-quantityPrecision (every bundled market): on-grid quantities are seen from their decimal places. */
  readonly #lotIsPowerOfTen: boolean;

  constructor(spec: InstrumentSpec) {
    const bad = (detail: string, ctx: Record<string, unknown>): never => {
      throw new DomainError(DomainErrorCode.INVALID_INSTRUMENT, `${spec.symbol}: ${detail}`, ctx);
    };
    if (!spec.symbol) bad('symbol is empty', {});
    this.symbol = spec.symbol;
    this.base = spec.base;
    this.quote = spec.quote;
    this.tickSize = dec(spec.tickSize);
    this.lotSize = dec(spec.lotSize);
    if (!this.tickSize.isFinite() || this.tickSize.lte(0))
      bad('tick size must be positive', { tick_size: spec.tickSize });
    if (!this.lotSize.isFinite() || this.lotSize.lte(0))
      bad('lot size must be positive', { lot_size: spec.lotSize });
    this.minQuantity = dec(spec.minQuantity ?? this.lotSize);
    const minNotional = dec(spec.minNotional ?? 0);
    if (minNotional.isNegative())
      bad('min notional must not be negative', { min_notional: spec.minNotional });
    this.minNotional = new Money(minNotional, spec.quote);
    this.pricePrecision = this.tickSize.decimalPlaces();
    this.quantityPrecision = this.lotSize.decimalPlaces();
    this.#lotIsPowerOfTen = this.lotSize.eq(new Decimal(10).pow(-this.quantityPrecision));
  }

  /** A price on the tick grid. `nearest` rounds half to even; `down`/`up` floor/ceil. */
  price(value: DecimalValue, mode: 'nearest' | 'down' | 'up' = 'nearest'): Decimal {
    const v = dec(value);
    if (!v.isFinite() || v.lte(0)) {
      throw new DomainError(DomainErrorCode.INVALID_PRICE, `${this.symbol}: price must be positive`, {
        price: value,
      });
    }
    const rounding =
      mode === 'down' ? Decimal.ROUND_FLOOR : mode === 'up' ? Decimal.ROUND_CEIL : Decimal.ROUND_HALF_EVEN;
    const p = v.toNearest(this.tickSize, rounding);
    if (p.lte(0)) {
      throw new DomainError(
        DomainErrorCode.INVALID_PRICE,
        `${this.symbol}: price rounds to zero at this tick size`,
        {
          price: value,
          tick_size: this.tickSize,
        },
      );
    }
    return p;
  }

  /** The limit price for a side, rounded so the order never trades worse than asked: buys down, sells up. */
  limitPrice(side: OrderSide, value: DecimalValue): Decimal {
    return this.price(value, side === 'BUY' ? 'down' : 'up');
  }

  /** A quantity on the lot grid, always rounded down (an order never grows past what was sized). */
  quantity(value: DecimalValue): Decimal {
    const v = dec(value);
    if (!v.isFinite() || v.isNegative()) {
      throw new DomainError(
        DomainErrorCode.INVALID_QUANTITY,
        `${this.symbol}: quantity must not be negative`,
        {
          quantity: value,
        },
      );
    }
    // Already on a power-of-ten grid (a sized quantity, a position): toNearest gives it back unchanged
    // (its integer quotient and product are exact, not rounded to the precision), without its division.
    if (this.#lotIsPowerOfTen && !v.isZero() && v.decimalPlaces() <= this.quantityPrecision) return v;
    return v.toNearest(this.lotSize, Decimal.ROUND_DOWN);
  }

  notional(price: DecimalValue, quantity: DecimalValue): Money {
    return new Money(dec(price).times(dec(quantity)), this.quote);
  }

  /**
   * Rounds a wanted order to the grid and checks the venue's minimums.
   * Throws QUANTITY_BELOW_MINIMUM or NOTIONAL_BELOW_MINIMUM with the figures.
   */
  orderSize(side: OrderSide, price: DecimalValue, quantity: DecimalValue): OrderSize {
    const p = this.limitPrice(side, price);
    const q = this.quantity(quantity);
    if (q.lt(this.minQuantity) || q.isZero()) {
      throw new DomainError(
        DomainErrorCode.QUANTITY_BELOW_MINIMUM,
        `${this.symbol}: order quantity below minimum`,
        {
          quantity: q.toFixed(),
          requested: dec(quantity).toFixed(),
          min_quantity: this.minQuantity.toFixed(),
        },
      );
    }
    const notional = this.notional(p, q);
    if (notional.amount.lt(this.minNotional.amount)) {
      throw new DomainError(
        DomainErrorCode.NOTIONAL_BELOW_MINIMUM,
        `${this.symbol}: order notional below minimum`,
        {
          notional: notional.toString(),
          min_notional: this.minNotional.toString(),
        },
      );
    }
    return { price: p, quantity: q, notional };
  }

  /** The price of a float (an indicator's, a candle's) as a tick-grid Decimal. */
  priceFromNumber(value: number, mode: 'nearest' | 'down' | 'up' = 'nearest'): Decimal {
    // Shortest round-trip text, so 0.09946999000000001 stays that value before rounding to the tick.
    return this.price(new Decimal(String(value)), mode);
  }
}
