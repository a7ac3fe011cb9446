import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, dec } from './decimal.ts';
import { DomainError } from './errors.ts';
import { Instrument } from './instrument.ts';

const ethbtc = new Instrument({
  symbol: 'ETHBTC',
  base: 'ETH',
  quote: 'BTC',
  tickSize: '0.000001',
  lotSize: '0.001',
  minNotional: '0.0001',
});

describe('Instrument', () => {
  it('rounds prices to the tick: nearest (half even), down, up', () => {
    expect(ethbtc.price('0.0994766').toFixed()).toBe('0.099477');
    expect(ethbtc.price('0.0994766', 'down').toFixed()).toBe('0.099476');
    expect(ethbtc.price('0.0994761', 'up').toFixed()).toBe('0.099477');
    expect(ethbtc.price('0.0000015').toFixed()).toBe('0.000002');
    expect(ethbtc.price('0.0000025').toFixed()).toBe('0.000002');
  });

  it('parses recorder floats such as 0.09946999000000001 before rounding to the tick', () => {
    expect(ethbtc.priceFromNumber(0.09946999000000001).toFixed()).toBe('0.09947');
    expect(ethbtc.priceFromNumber(0.09946999000000001, 'down').toFixed()).toBe('0.099469');
  });

  it('rounds limit prices so an order never trades worse than asked', () => {
    expect(ethbtc.limitPrice('BUY', '0.0994769').toFixed()).toBe('0.099476');
    expect(ethbtc.limitPrice('SELL', '0.0994761').toFixed()).toBe('0.099477');
  });

  it('rounds quantities down to the lot', () => {
    expect(ethbtc.quantity('1.23456').toFixed()).toBe('1.234');
    expect(ethbtc.quantity(0.0019).toFixed()).toBe('0.001');
  });

  it('sizes an order and enforces minimum quantity and notional with the figures in the error', () => {
    const size = ethbtc.orderSize('BUY', '0.1', '0.0105');
    expect(size.quantity.toFixed()).toBe('0.01');
    expect(size.notional.toString()).toBe('0.001 BTC');
    expect(() => ethbtc.orderSize('BUY', '0.1', '0.0009')).toThrow(
      'QUANTITY_BELOW_MINIMUM: ETHBTC: order quantity below minimum (quantity=0, requested=0.0009, min_quantity=0.001)',
    );
    expect(() => ethbtc.orderSize('BUY', '0.05', '0.001')).toThrow(
      'NOTIONAL_BELOW_MINIMUM: ETHBTC: order notional below minimum (notional=0.00005 BTC, min_notional=0.0001 BTC)',
    );
  });

  it('rejects bad prices, quantities and specs with typed errors', () => {
    for (const [f, code] of [
      [() => ethbtc.price('0'), 'INVALID_PRICE'],
      [() => ethbtc.price('-1'), 'INVALID_PRICE'],
      [() => ethbtc.price('0.0000001', 'down'), 'INVALID_PRICE'],
      [() => ethbtc.quantity('-1'), 'INVALID_QUANTITY'],
      [
        () => new Instrument({ symbol: 'X', base: 'X', quote: 'Y', tickSize: '0', lotSize: '1' }),
        'INVALID_INSTRUMENT',
      ],
    ] as const) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe(code);
    }
  });

  it('property: rounded prices and quantities sit on the grid, within one step of the input', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-5, max: 1e5, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (p, q) => {
          const price = ethbtc.priceFromNumber(p);
          expect(price.mod(ethbtc.tickSize).isZero()).toBe(true);
          expect(
            price
              .minus(dec(String(p)))
              .abs()
              .lte(ethbtc.tickSize.div(2)),
          ).toBe(true);
          const qty = ethbtc.quantity(String(q));
          expect(qty.mod(ethbtc.lotSize).isZero()).toBe(true);
          expect(qty.lte(dec(String(q)))).toBe(true);
          expect(dec(String(q)).minus(qty).lt(ethbtc.lotSize)).toBe(true);
        },
      ),
    );
  });

  it('property: quantity equals toNearest(lot, ROUND_DOWN) to the digit, on the grid or off it', () => {
    const lots = ['1', '0.001', '0.00000001', '10', '0.0025'].map(
      (lot) =>
        new Instrument({ symbol: 'ETHBTC', base: 'ETH', quote: 'BTC', tickSize: '0.000001', lotSize: lot }),
    );
    const values = fc.oneof(
      fc.double({ min: 0, max: 1e9, noNaN: true }).map((x) => dec(String(x))),
      // Multiples of a lot (the sized quantities and positions orders are made from), up to 70 digits.
      fc
        .tuple(fc.stringMatching(/^[1-9][0-9]{0,69}$/), fc.integer({ min: -12, max: 3 }))
        .map(([digits, exp]) => dec(`${digits}e${exp}`)),
      fc.constantFrom(
        dec(0),
        dec('0.001'),
        dec('1e-9'),
        dec('0.0025'),
        // 67 significant digits, past the precision: toNearest keeps them all.
        dec('1234567890123456789012345678901234567890123456789012345678901234567e3'),
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...lots), values, (inst, v) => {
        const want = v.toNearest(inst.lotSize, Decimal.ROUND_DOWN);
        const got = inst.quantity(v);
        expect(got.toString()).toBe(want.toString());
        expect(Object.is(got.isNeg(), want.isNeg())).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
