import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, dec } from '../domain/index.ts';
import {
  checkCooldown,
  checkCorrelatedExposure,
  checkDailyLoss,
  checkDrawdown,
  checkHalt,
  checkOpenPositions,
  checkOrderRate,
  checkPairLock,
  checkPositionSize,
} from './checks.ts';
import { formatDenial } from './denial.ts';
import { cashClearlyAbove, divDown, floorQuantity, sizePosition } from './sizing.ts';
import { TradingStateMachine } from './state.ts';

const MIN = 60_000;

describe('risk checks', () => {
  it('halt denies with its reason', () => {
    expect(checkHalt(false)).toBeUndefined();
    expect(checkHalt(true, 'incident')).toEqual({
      code: 'HALT',
      rule: 'halt',
      figures: { reason: 'incident' },
    });
  });

  it('daily loss: 5 % of the day start denies, 4.99 % does not', () => {
    expect(checkDailyLoss(dec(1000), dec('950.1'), '5')).toBeUndefined();
    const d = checkDailyLoss(dec(1000), dec(950), '5');
    expect(d?.code).toBe('DAILY_LOSS_LIMIT');
    expect(d?.figures).toMatchObject({
      loss_percent: '5',
      max_percent: '5',
      day_start_equity: '1000',
      equity: '950',
    });
    expect(formatDenial(d!)).toBe(
      'DAILY_LOSS_LIMIT: day_start_equity=1000, equity=950, loss_percent=5, max_percent=5',
    );
    expect(checkDailyLoss(dec(1000), dec(1200), '5')).toBeUndefined();
  });

  it('drawdown from the peak', () => {
    expect(checkDrawdown(dec(2000), dec(1601), '20')).toBeUndefined();
    expect(checkDrawdown(dec(2000), dec(1600), '20')?.figures).toMatchObject({ drawdown_percent: '20' });
  });

  it('cooldown: N losses in a row pause for M minutes after the last', () => {
    const spec = { consecutiveLosses: 3, minutes: 60 };
    expect(checkCooldown(2, 0, 10, spec)).toBeUndefined();
    expect(checkCooldown(3, 0, 59 * MIN, spec)?.code).toBe('COOLDOWN');
    expect(checkCooldown(3, 0, 60 * MIN, spec)).toBeUndefined();
  });

  it('position size: percent of equity, absolute notional, allocation: the smallest cap wins', () => {
    const limits = { maxPositionSizePercent: '25', maxPositionNotional: '200', maxAllocation: dec(300) };
    expect(checkPositionSize(dec(200), dec(1000), limits)).toBeUndefined();
    expect(checkPositionSize(dec('200.01'), dec(1000), limits)?.figures.max_notional).toBe('200');
    expect(checkPositionSize(dec(251), dec(1000), { maxPositionSizePercent: '25' })?.figures).toMatchObject({
      max_notional: '250',
      position_notional: '251',
    });
  });

  it('open positions: only an order that opens one counts', () => {
    expect(checkOpenPositions(5, false, 5)).toBeUndefined();
    expect(checkOpenPositions(4, true, 5)).toBeUndefined();
    expect(checkOpenPositions(5, true, 5)?.code).toBe('MAX_OPEN_POSITIONS');
  });

  it('correlated exposure adds same-direction positions of correlated symbols only', () => {
    const others = [
      { symbol: 'LTC/BTC', notional: dec(300), correlation: 0.9 },
      { symbol: 'XLM/BTC', notional: dec(300), correlation: 0.2 },
      { symbol: 'ADA/BTC', notional: dec(-300), correlation: 0.95 },
    ];
    expect(checkCorrelatedExposure('ETH/BTC', 1, dec(400), others, dec(1000), '70', 0.7)).toBeUndefined();
    const d = checkCorrelatedExposure('ETH/BTC', 1, dec(401), others, dec(1000), '70', 0.7);
    expect(d?.figures).toMatchObject({ symbols: 'ETH/BTC LTC/BTC', exposure: '701', max_exposure: '700' });
    // Unknown correlation (NaN) never groups.
    expect(
      checkCorrelatedExposure(
        'ETH/BTC',
        1,
        dec(600),
        [{ symbol: 'LTC/BTC', notional: dec(300), correlation: Number.NaN }],
        dec(1000),
        '70',
        0.7,
      ),
    ).toBeUndefined();
  });

  it('pair lock: N stop-losses within the window lock the pair until the last + window', () => {
    const spec = { stopLosses: 2, minutes: 60 };
    expect(checkPairLock('ETH/BTC', [0], 1, spec)).toBeUndefined();
    expect(checkPairLock('ETH/BTC', [0, 30 * MIN], 31 * MIN, spec)?.code).toBe('PAIR_LOCKED');
    expect(checkPairLock('ETH/BTC', [0, 30 * MIN], 90 * MIN, spec)).toBeUndefined();
    expect(checkPairLock('ETH/BTC', [0, 61 * MIN], 62 * MIN, spec)).toBeUndefined();
  });

  it('order rate counts the orders of the last 60 s', () => {
    expect(checkOrderRate([0, 1000, 2000], 59_000, 4)).toBeUndefined();
    expect(checkOrderRate([0, 1000, 2000], 59_000, 3)?.figures).toEqual({
      orders_last_minute: '3',
      max_per_minute: '3',
    });
    expect(checkOrderRate([0, 1000, 2000], 60_500, 3)).toBeUndefined();
  });
});

describe('position sizing', () => {
  const base = {
    equity: dec(10_000),
    cash: dec(10_000),
    currentNotional: dec(0),
    riskPerTradePercent: '1',
    stopLossPercent: '4',
    maxPositionSizePercent: '50',
    feeRate: dec(0),
  };
  it('risks riskPerTrade % of equity between entry and stop', () => {
    // 1 % of 10,000 = 100 at risk; a 4 % stop: 100 / 0.04 = 2,500.
    expect(sizePosition(base)).toEqual({ notional: dec(2500), boundBy: 'risk' });
  });
  it('is capped by each limit and by cash net of fees', () => {
    expect(sizePosition({ ...base, maxPositionSizePercent: '20' }).notional.toFixed()).toBe('2000');
    expect(sizePosition({ ...base, maxPositionNotional: '1500' }).boundBy).toBe('maxPositionNotional');
    expect(sizePosition({ ...base, maxAllocation: dec(1200) }).notional.toFixed()).toBe('1200');
    expect(sizePosition({ ...base, cash: dec(1010), feeRate: dec('0.01') })).toEqual({
      notional: dec(1000),
      boundBy: 'cash',
    });
    expect(sizePosition({ ...base, currentNotional: dec(6000) }).notional.isZero()).toBe(true);
  });
  it('property: skipping the cash division when floats show cash far above changes nothing', () => {
    // The cash cap as always computed: cash / (1 + fee) at 24 digits toward zero, binding when below the rest.
    const reference = (x: typeof base & { cash: Decimal; equity: Decimal }) => {
      const r = sizePosition({ ...x, cash: dec(1e300) });
      const cash = divDown(x.cash, x.feeRate.plus(1));
      return r.notional.gt(0) && cash.lt(r.notional) ? { notional: cash, boundBy: 'cash' } : r;
    };
    // Cash around the sized notional (2.5 % of equity here), down to a few parts in 1e12 either side.
    const amount = fc
      .tuple(fc.integer({ min: 1, max: 10 ** 9 }), fc.integer({ min: -8, max: 6 }))
      .map(([n, e]) => dec(n).times(dec(10).pow(e)));
    fc.assert(
      fc.property(
        amount,
        fc.oneof(fc.double({ min: 0.9, max: 1.1, noNaN: true }), fc.constant(1)),
        fc.integer({ min: -6, max: 6 }),
        fc.constantFrom('0', '0.001', '0.00075', '0.1'),
        (equity, ratio, ulps, fee) => {
          const feeRate = dec(fee);
          const near = equity.times('0.025').times(feeRate.plus(1));
          const cash = near.times(dec(String(ratio))).plus(dec(ulps).times('1e-12').times(near));
          if (!cash.gt(0)) return;
          const x = { ...base, equity, cash, feeRate };
          const got = sizePosition(x);
          const want = reference(x);
          expect(got.boundBy).toBe(want.boundBy);
          expect(got.notional.toString()).toBe(want.notional.toString());
        },
      ),
      { numRuns: 3000 },
    );
    expect(cashClearlyAbove(dec(2), dec(0), dec(1))).toBe(true);
    expect(cashClearlyAbove(dec('1.0000000001'), dec(0), dec(1))).toBe(false);
  });
});

describe('trading state', () => {
  it('is the most severe restriction in force, and restrictions expire', () => {
    const sm = new TradingStateMachine();
    expect(sm.state).toBe('ACTIVE');
    sm.restrict({ state: 'REDUCING', code: 'COOLDOWN', reason: 'losses', until: 100 });
    expect(sm.state).toBe('REDUCING');
    expect(sm.status()).toEqual({
      state: 'CoolingDown',
      reason: 'losses',
      until: new Date(100).toISOString(),
    });
    sm.restrict({ state: 'HALTED', code: 'DAILY_LOSS_LIMIT', reason: 'loss', until: 200 });
    expect(sm.state).toBe('HALTED');
    sm.tick(150);
    expect(sm.state).toBe('HALTED');
    sm.tick(200);
    expect(sm.state).toBe('ACTIVE');
    sm.restrict({ state: 'HALTED', code: 'HALT', reason: 'stop', until: undefined });
    sm.tick(1e15);
    expect(sm.state).toBe('HALTED');
    sm.lift('HALT');
    expect(sm.state).toBe('ACTIVE');
  });
});

describe('floorQuantity', () => {
  it('is floor(notional / price / step) * step, exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.integer({ min: 1, max: 10 ** 8 }),
        fc.constantFrom('0.00000001', '0.001', '1', '0.25'),
        (n, p, step) => {
          const notional = dec(n).div(1000);
          const price = dec(p).div(10 ** 6);
          const want = notional.div(price).div(dec(step)).floor().times(dec(step));
          expect(floorQuantity(notional, price, dec(step)).toFixed()).toBe(want.toFixed());
        },
      ),
      { numRuns: 2000 },
    );
  });
});
