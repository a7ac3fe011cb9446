import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, dec, ZERO } from './decimal.ts';
import type { Fill } from './fill.ts';
import { Money } from './money.ts';
import { applyFillToPosition, flatPosition, openingPrice } from './position.ts';

/** The adding formula from flat, with its division, as applyFillToPosition wrote it before the shortcut. */
function formula(px: Decimal, qty: Decimal): Decimal {
  return ZERO.times(ZERO.abs()).plus(px.times(qty)).div(ZERO.abs().plus(qty));
}

/** Positive decimals of 1 to 45 significant digits at any scale from 1e-20 to 1e20. */
const positive = fc
  .tuple(fc.stringMatching(/^[1-9][0-9]{0,44}$/), fc.integer({ min: -20, max: 20 }))
  .map(([digits, exp]) => dec(`${digits}e${exp - digits.length + 1}`));

function buy(quantity: Decimal, price: Decimal): Fill {
  return {
    orderId: 'o',
    tradeId: 't',
    symbol: 'ETHBTC',
    side: 'BUY',
    quantity,
    price,
    fee: Money.zero('BTC'),
    liquidity: 'TAKER',
    ts: 0,
  };
}

describe('openingPrice', () => {
  it('equals (0 * 0 + px * qty) / (0 + qty) at the domain precision, digit for digit', () => {
    fc.assert(
      fc.property(positive, positive, (px, qty) => {
        const fast = openingPrice(px, qty);
        const slow = formula(px, qty);
        expect(fast.eq(slow)).toBe(true);
        expect(fast.toFixed()).toBe(slow.toFixed());
        expect(fast.toString()).toBe(slow.toString());
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the division when the product would round (61 or more digits)', () => {
    const px = dec('0.80355509355656468187865336806658488');
    const qty = dec('2.241719055503898636443674790');
    expect(px.sd() + qty.sd()).toBeGreaterThan(60);
    // Here the rounded product makes the quotient differ from px in its 60th digit.
    expect(formula(px, qty).toFixed()).toBe('0.803555093556564681878653368066584880000000000000000000000002');
    expect(openingPrice(px, qty).toFixed()).toBe(formula(px, qty).toFixed());
  });

  it('is the entry price of a position opened from flat', () => {
    fc.assert(
      fc.property(positive, positive, (px, qty) => {
        const p = applyFillToPosition(flatPosition('ETHBTC', 'BTC'), buy(qty, px));
        expect(p.averagePrice.toString()).toBe(formula(px, qty).toString());
        expect(p.quantity.eq(qty)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
