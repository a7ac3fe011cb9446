import { describe, expect, it } from 'vitest';
import { dec } from './decimal.ts';
import { DomainError } from './errors.ts';
import { Money } from './money.ts';

describe('Money', () => {
  it('adds and subtracts exactly in decimal, not binary floating point', () => {
    const a = new Money('0.1', 'USDT').plus(new Money('0.2', 'USDT'));
    expect(a.amount.toFixed()).toBe('0.3');
    expect(a.toString()).toBe('0.3 USDT');
    expect(new Money('1', 'BTC').minus(new Money('0.00000001', 'BTC')).toString()).toBe('0.99999999 BTC');
  });

  it('keeps full precision for large price x quantity products', () => {
    const m = new Money('123456789.123456789', 'USDT').times('987654321.987654321');
    expect(m.amount.toFixed()).toBe('121932631356500531.347203169112635269');
  });

  it('refuses to mix currencies, naming both amounts', () => {
    const add = () => new Money('1', 'BTC').plus(new Money('1', 'USDT'));
    expect(add).toThrow(DomainError);
    expect(add).toThrow('CURRENCY_MISMATCH: cannot add USDT and BTC (left=1 BTC, right=1 USDT)');
    expect(() => new Money('1', 'BTC').compare(new Money('1', 'ETH'))).toThrow(/CURRENCY_MISMATCH/);
  });

  it('rejects non-finite amounts and malformed currencies', () => {
    expect(() => new Money(Number.NaN, 'BTC')).toThrow(/INVALID_AMOUNT/);
    expect(() => new Money('1', 'btc')).toThrow(/INVALID_AMOUNT/);
  });

  it('compares and tests equality by value and currency', () => {
    expect(new Money('1.50', 'BTC').equals(new Money('1.5', 'BTC'))).toBe(true);
    expect(new Money('1.5', 'BTC').equals(new Money('1.5', 'ETH'))).toBe(false);
    expect(new Money('2', 'BTC').compare(new Money('1', 'BTC'))).toBe(1);
    expect(new Money('-1', 'BTC').isNegative()).toBe(true);
    expect(Money.zero('BTC').isZero()).toBe(true);
    expect(new Money('1.5', 'BTC').negated().toJSON()).toEqual({ amount: '-1.5', currency: 'BTC' });
  });

  it('re-makes decimals from other decimal.js constructors at domain precision', () => {
    const x = dec(dec('1').div(3));
    expect(x.toFixed().length).toBeGreaterThan(50);
  });
});
