import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayDecimal } from './format.js';

describe('displayDecimal', () => {
  it('leaves short figures as they are', () => {
    expect(displayDecimal('1.2345')).toBe('1.2345');
    expect(displayDecimal('100')).toBe('100');
    expect(displayDecimal('-0.5')).toBe('-0.5');
  });

  it('rounds half up to 8 decimals and drops trailing zeros', () => {
    expect(displayDecimal('0.976643771030335261')).toBe('0.97664377');
    expect(displayDecimal('-0.0233562289696612')).toBe('-0.02335623');
    expect(displayDecimal('0.999999999')).toBe('1');
    expect(displayDecimal('1.100000004')).toBe('1.1');
    expect(displayDecimal('-0.000000001')).toBe('0');
  });

  it('passes through what is not a plain decimal', () => {
    expect(displayDecimal('1e-9')).toBe('1e-9');
    expect(displayDecimal('')).toBe('');
  });

  it('equals decimal.js half-up rounding for any value', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.integer({ min: 0, max: 20 }),
        (n, scale) => {
          const text = new Decimal(n.toString()).div(new Decimal(10).pow(scale)).toFixed(scale);
          const expected = new Decimal(text).toDecimalPlaces(8, Decimal.ROUND_HALF_UP);
          expect(new Decimal(displayDecimal(text)).eq(expected)).toBe(true);
        },
      ),
    );
  });
});
