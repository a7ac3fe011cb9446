import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from './decimal.ts';
import type { Fill } from './fill.ts';
import { Instrument, type OrderSide } from './instrument.ts';
import { Money } from './money.ts';
import { Portfolio } from './portfolio.ts';
import { applyFillToPosition, flatPosition, positionSide, unrealizedPnl } from './position.ts';

const ethbtc = new Instrument({
  symbol: 'ETHBTC',
  base: 'ETH',
  quote: 'BTC',
  tickSize: '0.000001',
  lotSize: '0.001',
});
const ltcbtc = new Instrument({
  symbol: 'LTCBTC',
  base: 'LTC',
  quote: 'BTC',
  tickSize: '0.000001',
  lotSize: '0.01',
});

let seq = 0;
function fill(
  symbol: string,
  side: OrderSide,
  qty: string,
  price: string,
  fee = '0',
  feeCurrency = 'BTC',
): Fill {
  seq++;
  return {
    orderId: `o${seq}`,
    tradeId: `t${seq}`,
    symbol,
    side,
    quantity: dec(qty),
    price: dec(price),
    fee: new Money(fee, feeCurrency),
    liquidity: 'TAKER',
    ts: seq,
  };
}

describe('Position', () => {
  it('averages entries, realises PnL on reduction, and re-bases on a flip', () => {
    let p = flatPosition('ETHBTC', 'BTC');
    p = applyFillToPosition(p, fill('ETHBTC', 'BUY', '1', '0.1'));
    p = applyFillToPosition(p, fill('ETHBTC', 'BUY', '1', '0.12'));
    expect(p.averagePrice.toFixed()).toBe('0.11');
    expect(positionSide(p)).toBe('LONG');
    p = applyFillToPosition(p, fill('ETHBTC', 'SELL', '0.5', '0.13'));
    expect(p.realizedPnl.toString()).toBe('0.01 BTC');
    expect(p.averagePrice.toFixed()).toBe('0.11');
    p = applyFillToPosition(p, fill('ETHBTC', 'SELL', '2.5', '0.1'));
    // Closed 1.5 at a loss of 0.01 each; opened a 1.0 short at 0.1.
    expect(p.realizedPnl.toString()).toBe('-0.005 BTC');
    expect(p.quantity.toFixed()).toBe('-1');
    expect(p.averagePrice.toFixed()).toBe('0.1');
    expect(positionSide(p)).toBe('SHORT');
    expect(unrealizedPnl(p, dec('0.09')).toString()).toBe('0.01 BTC');
    p = applyFillToPosition(p, fill('ETHBTC', 'BUY', '1', '0.09'));
    expect(positionSide(p)).toBe('FLAT');
    expect(p.averagePrice.isZero()).toBe(true);
    expect(p.realizedPnl.toString()).toBe('0.005 BTC');
  });
});

describe('Portfolio', () => {
  it('books cash, positions, fees and PnL; equity values balances at the marks', () => {
    const pf = new Portfolio({ currency: 'BTC', cash: '1', instruments: [ethbtc, ltcbtc] });
    pf.applyFill(fill('ETHBTC', 'BUY', '2', '0.1', '0.0002'));
    pf.applyFill(fill('LTCBTC', 'SELL', '10', '0.02', '0.0002'));
    expect(pf.balance('BTC').toString()).toBe('0.9996 BTC');
    expect(pf.balance('ETH').toString()).toBe('2 ETH');
    expect(pf.balance('LTC').toString()).toBe('-10 LTC');
    const marks = { ETHBTC: '0.11', LTCBTC: '0.019' };
    expect(pf.unrealizedPnl(marks).toString()).toBe('0.03 BTC');
    expect(pf.equity(marks).toString()).toBe('1.0296 BTC');
    expect(pf.netPnl(marks).toString()).toBe('0.0296 BTC');
    expect(pf.realizedPnl().toString()).toBe('0 BTC');
    expect(pf.fees().map(String)).toEqual(['0.0004 BTC']);
    expect(pf.openPositions()).toHaveLength(2);
  });

  it('values a fee charged in the base asset (as Binance does on buys) through the mark', () => {
    const pf = new Portfolio({ currency: 'BTC', cash: '1', instruments: [ethbtc] });
    pf.applyFill(fill('ETHBTC', 'BUY', '1', '0.1', '0.001', 'ETH'));
    expect(pf.balance('ETH').toString()).toBe('0.999 ETH');
    expect(pf.position('ETHBTC').quantity.toFixed()).toBe('1');
    expect(pf.equity({ ETHBTC: '0.1' }).toString()).toBe('0.9999 BTC');
  });

  it('records an equity curve in time order', () => {
    const pf = new Portfolio({ currency: 'BTC', cash: '1', instruments: [ethbtc] });
    pf.applyFill(fill('ETHBTC', 'BUY', '1', '0.1'));
    pf.recordEquity(1000, { ETHBTC: '0.1' });
    pf.recordEquity(2000, { ETHBTC: '0.2' });
    expect(pf.equityCurve.map((p) => [p.t, p.equity.toFixed()])).toEqual([
      [1000, '1'],
      [2000, '1.1'],
    ]);
    expect(() => pf.recordEquity(1500, { ETHBTC: '0.2' })).toThrow(/must not go backwards/);
  });

  it('rejects a fill with a quantity or price that is not positive, changing nothing', () => {
    const pf = new Portfolio({ currency: 'BTC', cash: '1', instruments: [ethbtc] });
    expect(() => pf.applyFill(fill('ETHBTC', 'BUY', '0', '0.1'))).toThrow(/INVALID_QUANTITY/);
    expect(() => pf.applyFill(fill('ETHBTC', 'BUY', '1', '-0.1'))).toThrow(/INVALID_PRICE/);
    expect(pf.balance('BTC').toString()).toBe('1 BTC');
    expect(pf.fillCount).toBe(0);
    expect(pf.position('ETHBTC').fillCount).toBe(0);
  });

  it('refuses instruments in another quote currency, unknown symbols and missing marks', () => {
    const ethusdt = new Instrument({
      symbol: 'ETHUSDT',
      base: 'ETH',
      quote: 'USDT',
      tickSize: '0.01',
      lotSize: '0.0001',
    });
    expect(() => new Portfolio({ currency: 'BTC', cash: '1', instruments: [ethusdt] })).toThrow(
      /CURRENCY_MISMATCH/,
    );
    const pf = new Portfolio({ currency: 'BTC', cash: '1', instruments: [ethbtc] });
    expect(() => pf.applyFill(fill('XRPBTC', 'BUY', '1', '0.1'))).toThrow(/UNKNOWN_INSTRUMENT/);
    pf.applyFill(fill('ETHBTC', 'BUY', '1', '0.1'));
    expect(() => pf.equity({})).toThrow('UNKNOWN_INSTRUMENT: no mark price for ETHBTC (symbol=ETHBTC)');
  });
});

describe('portfolio accounting properties', () => {
  const fillArb = fc.record({
    symbol: fc.constantFrom('ETHBTC', 'LTCBTC'),
    side: fc.constantFrom<OrderSide>('BUY', 'SELL'),
    lots: fc.integer({ min: 1, max: 5000 }),
    ticks: fc.integer({ min: 1, max: 200_000 }),
    feeBps: fc.integer({ min: 0, max: 20 }),
  });

  it('position = sum of signed fills; equity = cash + realised + unrealised - fees (to 1e-40)', () => {
    fc.assert(
      fc.property(
        fc.array(fillArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 1, max: 200_000 }),
        (fills, m1, m2) => {
          const pf = new Portfolio({ currency: 'BTC', cash: '10', instruments: [ethbtc, ltcbtc] });
          const net: Record<string, ReturnType<typeof dec>> = { ETHBTC: dec(0), LTCBTC: dec(0) };
          let fees = dec(0);
          for (const f of fills) {
            const inst = f.symbol === 'ETHBTC' ? ethbtc : ltcbtc;
            const qty = inst.lotSize.times(f.lots);
            const price = inst.tickSize.times(f.ticks);
            const fee = price.times(qty).times(f.feeBps).div(10_000);
            pf.applyFill(fill(f.symbol, f.side, qty.toFixed(), price.toFixed(), fee.toFixed()));
            net[f.symbol] = net[f.symbol]!.plus(f.side === 'BUY' ? qty : qty.negated());
            fees = fees.plus(fee);
          }
          const marks = { ETHBTC: ethbtc.tickSize.times(m1), LTCBTC: ltcbtc.tickSize.times(m2) };
          for (const s of ['ETHBTC', 'LTCBTC']) {
            const p = pf.position(s);
            expect(p.quantity.eq(net[s]!)).toBe(true);
            expect(p.quantity.eq(p.boughtQuantity.minus(p.soldQuantity))).toBe(true);
            expect(pf.balance(s.slice(0, 3)).amount.eq(net[s]!)).toBe(true);
          }
          const expected = pf.initialCash
            .plus(pf.realizedPnl())
            .plus(pf.unrealizedPnl(marks))
            .amount.minus(fees);
          // Average entry prices are quotients, rounded at 60 significant digits; nothing else rounds.
          expect(pf.equity(marks).amount.minus(expected).abs().lte('1e-40')).toBe(true);
          expect(pf.fillCount).toBe(fills.length);
        },
      ),
    );
  });

  it('starts from seeded positions as if it had bought them', () => {
    const bought = new Portfolio({ currency: 'BTC', cash: '10', instruments: [ethbtc, ltcbtc] });
    bought.applyFill(fill('ETHBTC', 'BUY', '2', '0.05', '0'));
    const seeded = new Portfolio({
      currency: 'BTC',
      cash: '9.9',
      initialCash: '10',
      instruments: [ethbtc, ltcbtc],
      positions: [{ symbol: 'ETHBTC', quantity: dec(2), averagePrice: dec('0.05') }],
    });
    for (const pf of [bought, seeded]) {
      pf.applyFill(fill('ETHBTC', 'SELL', '2', '0.06', '0'));
      expect(pf.amount('BTC').toFixed()).toBe('10.02');
      expect(pf.balance('ETH').amount.isZero()).toBe(true);
      expect(pf.position('ETHBTC').realizedPnl.amount.toFixed()).toBe('0.02');
      expect(pf.netPnl({}).amount.toFixed()).toBe('0.02');
    }
    expect(
      () =>
        new Portfolio({
          currency: 'BTC',
          cash: '1',
          instruments: [ethbtc],
          positions: [{ symbol: 'ETHBTC', quantity: dec(1), averagePrice: dec(0) }],
        }),
    ).toThrow(/average price/);
  });
});
