import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, dec, toFloat } from './decimal.ts';

describe('toFloat', () => {
  it('is the same double as toNumber, for any finite decimal', () => {
    const digits = fc.stringMatching(/^-?[1-9][0-9]{0,29}$/);
    const values = fc.oneof(
      fc.tuple(digits, fc.integer({ min: -40, max: 40 })).map(([d, e]) => dec(`${d}e${e}`)),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => dec(x)),
      // Products and sums as the domain makes them (prices x quantities, balances).
      fc.tuple(digits, digits, fc.integer({ min: -12, max: 4 })).map(([a, b, e]) =>
        dec(a)
          .times(dec(`${b}e${e}`))
          .plus(dec(`1e${e}`)),
      ),
    );
    fc.assert(
      fc.property(values, (x) => {
        expect(Object.is(toFloat(x), x.toNumber())).toBe(true);
      }),
      { numRuns: 20000 },
    );
    for (const text of [
      '0',
      '-0',
      '1',
      '9007199254740991',
      '9007199254740993',
      '1e22',
      '1e23',
      '4.35e-23',
      '1e-400',
      '1e400',
    ])
      expect(Object.is(toFloat(dec(text)), dec(text).toNumber())).toBe(true);
    expect(Number.isNaN(toFloat(new Decimal(Number.NaN)))).toBe(true);
    expect(toFloat(new Decimal(Number.NEGATIVE_INFINITY))).toBe(Number.NEGATIVE_INFINITY);
  });
});
