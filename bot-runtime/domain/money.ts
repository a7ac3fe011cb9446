// Money: an amount that knows its currency. Adding or comparing two
// currencies is an error, not a silent number.
import { type Decimal, type DecimalValue, dec, ZERO } from './decimal.ts';
import { DomainError, DomainErrorCode } from './errors.ts';

const CURRENCY = /^[A-Z0-9]{2,12}$/;
/** Currency codes that passed CURRENCY (bounded, so odd input cannot grow it without end). */
const checked = new Set<string>();

export class Money {
  readonly amount: Decimal;
  readonly currency: string;

  constructor(amount: DecimalValue, currency: string) {
    const a = dec(amount);
    if (!a.isFinite())
      throw new DomainError(DomainErrorCode.INVALID_AMOUNT, 'amount must be finite', { amount: a });
    if (!checked.has(currency)) {
      if (!CURRENCY.test(currency)) {
        throw new DomainError(DomainErrorCode.INVALID_AMOUNT, 'currency must be an upper-case code', {
          currency,
        });
      }
      // Fees come as Money on every fill: a code is checked once.
      if (checked.size < 1000) checked.add(currency);
    }
    this.amount = a;
    this.currency = currency;
  }

  static zero(currency: string): Money {
    return new Money(ZERO, currency);
  }

  #same(other: Money, op: string): void {
    if (other.currency !== this.currency) {
      throw new DomainError(
        DomainErrorCode.CURRENCY_MISMATCH,
        `cannot ${op} ${other.currency} and ${this.currency}`,
        {
          left: this.toString(),
          right: other.toString(),
        },
      );
    }
  }

  plus(other: Money): Money {
    this.#same(other, 'add');
    return new Money(this.amount.plus(other.amount), this.currency);
  }

  minus(other: Money): Money {
    this.#same(other, 'subtract');
    return new Money(this.amount.minus(other.amount), this.currency);
  }

  times(factor: DecimalValue): Money {
    return new Money(this.amount.times(dec(factor)), this.currency);
  }

  negated(): Money {
    return new Money(this.amount.negated(), this.currency);
  }

  compare(other: Money): -1 | 0 | 1 {
    this.#same(other, 'compare');
    return this.amount.comparedTo(other.amount) as -1 | 0 | 1;
  }

  equals(other: Money): boolean {
    return other.currency === this.currency && other.amount.eq(this.amount);
  }

  isZero(): boolean {
    return this.amount.isZero();
  }

  isNegative(): boolean {
    return this.amount.isNegative() && !this.amount.isZero();
  }

  toString(): string {
    return `${this.amount.toFixed()} ${this.currency}`;
  }

  toJSON(): { amount: string; currency: string } {
    return { amount: this.amount.toFixed(), currency: this.currency };
  }
}
