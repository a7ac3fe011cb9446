// Property tests: whatever the sequence of equities, fills and orders, an
// order the engine allows never takes the bot past a limit, and a halt
// blocks every order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, dec, ZERO } from '../domain/index.ts';
import { DEFAULT_RISK_POLICY, RiskEngine } from './engine.ts';
import { openPositions, policyArb, SYMBOLS } from './engine-arbitraries.ts';

type Op =
  | { kind: 'equity'; dt: number; factor: number }
  | { kind: 'order'; dt: number; symbol: number; buy: boolean; qty: number; price: number }
  | { kind: 'close'; dt: number; symbol: number; pnl: number; stop: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('equity' as const),
    dt: fc.integer({ min: 0, max: 3_600_000 }),
    factor: fc.double({ min: 0.9, max: 1.1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('order' as const),
    dt: fc.integer({ min: 0, max: 120_000 }),
    symbol: fc.integer({ min: 0, max: 2 }),
    buy: fc.boolean(),
    qty: fc.integer({ min: 1, max: 5000 }),
    price: fc.constantFrom(0.5, 1, 2),
  }),
  fc.record({
    kind: fc.constant('close' as const),
    dt: fc.integer({ min: 0, max: 600_000 }),
    symbol: fc.integer({ min: 0, max: 2 }),
    pnl: fc.integer({ min: -50, max: 50 }),
    stop: fc.boolean(),
  }),
);

describe('risk engine properties', () => {
  it('allowed orders never exceed position size, open positions, correlated exposure or the order rate', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.array(opArb, { minLength: 1, maxLength: 80 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (policy, ops, corr) => {
          const engine = new RiskEngine(policy, { correlationThreshold: 0.5 });
          const pos = new Map<string, Decimal>(SYMBOLS.map((s) => [s, ZERO]));
          let equity = 10_000;
          let now = 1_700_000_000_000;
          const allowedAt: number[] = [];
          engine.onEquity(now, equity);
          for (const op of ops) {
            now += op.dt;
            if (op.kind === 'equity') {
              equity *= op.factor;
              engine.onEquity(now, equity);
            } else if (op.kind === 'close') {
              engine.onTradeClosed(now, SYMBOLS[op.symbol]!, dec(op.pnl), op.stop);
            } else {
              const symbol = SYMBOLS[op.symbol]!;
              const position = pos.get(symbol)!;
              const quantity = dec(op.qty);
              const price = dec(op.price);
              const positions = openPositions(pos, price);
              const eq = dec(equity);
              engine.state.tick(now);
              const state = engine.state.state;
              const verdict = engine.check(
                { symbol, side: op.buy ? 'BUY' : 'SELL', quantity, price, position },
                { now, equity: eq, positions, correlation: () => corr },
              );
              if (verdict) continue;
              // Allowed: the state allowed it, and the rate limit held.
              expect(state).not.toBe('HALTED');
              allowedAt.push(now);
              expect(allowedAt.filter((t) => t > now - 60_000).length).toBeLessThanOrEqual(
                policy.maxOrdersPerMinute,
              );
              const after = position.plus(op.buy ? quantity : quantity.negated());
              const reduces =
                !position.isZero() &&
                after.abs().lte(position.abs()) &&
                (after.isZero() || after.isPositive() === position.isPositive());
              if (!reduces) {
                expect(state).toBe('ACTIVE');
                const notional = after.abs().times(price);
                expect(notional.lte(eq.times(dec(policy.maxPositionSizePercent)).div(100))).toBe(true);
                if (policy.maxPositionNotional)
                  expect(notional.lte(dec(policy.maxPositionNotional))).toBe(true);
                const open = positions.length + (position.isZero() ? 1 : 0);
                expect(open).toBeLessThanOrEqual(policy.maxOpenPositions);
                if (corr >= 0.5) {
                  const dir = after.isNegative();
                  let total = notional;
                  for (const p of positions)
                    if (p.symbol !== symbol && p.notional.isNegative() === dir)
                      total = total.plus(p.notional.abs());
                  expect(total.lte(eq.times(dec(policy.maxCorrelatedExposurePercent)).div(100))).toBe(true);
                }
              }
              pos.set(symbol, after);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('after the daily loss or the drawdown limit is reached, nothing that adds exposure is allowed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('2', '5', '10'),
        fc.double({ min: 0.5, max: 0.97, noNaN: true }),
        fc.integer({ min: 1, max: 100 }),
        (maxLoss, factor, qty) => {
          const engine = new RiskEngine({
            ...DEFAULT_RISK_POLICY,
            maxDailyLossPercent: maxLoss,
            maxDrawdownPercent: maxLoss,
          });
          const t = Date.UTC(2024, 0, 1, 12);
          engine.onEquity(t, 1000);
          const equity = 1000 * factor;
          engine.onEquity(t + 60_000, equity);
          const lost = 1 - factor >= Number(maxLoss) / 100;
          const v = engine.check(
            { symbol: 'ETH/BTC', side: 'BUY', quantity: dec(qty), price: dec('0.01'), position: ZERO },
            { now: t + 120_000, equity: dec(equity), positions: [], correlation: () => Number.NaN },
          );
          expect(v !== undefined).toBe(lost);
          if (lost) expect(engine.state.state).toBe('HALTED');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a halt blocks every order, buys and sells, opening and closing', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.array(
          fc.record({
            buy: fc.boolean(),
            qty: fc.integer({ min: 1, max: 1000 }),
            pos: fc.integer({ min: -1000, max: 1000 }),
            dt: fc.integer({ min: 0, max: 10 ** 9 }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        fc.string(),
        (policy, orders, reason) => {
          const engine = new RiskEngine({ ...policy, halt: true, haltReason: reason });
          let now = 0;
          for (const o of orders) {
            now += o.dt;
            engine.onEquity(now, 1000);
            const v = engine.check(
              {
                symbol: 'ETH/BTC',
                side: o.buy ? 'BUY' : 'SELL',
                quantity: dec(o.qty),
                price: dec(1),
                position: dec(o.pos),
              },
              { now, equity: dec(1000), positions: [], correlation: () => 0 },
            );
            expect(v?.code).toBe('HALT');
          }
          expect(engine.denials.length).toBe(orders.length);
          engine.setHalt(false);
          const v = engine.check(
            { symbol: 'ETH/BTC', side: 'SELL', quantity: dec(1), price: dec(1), position: dec(1) },
            { now, equity: dec(1000), positions: [], correlation: () => 0 },
          );
          expect(v).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a cooldown allows closing positions but not opening them, until it ends', () => {
    const engine = new RiskEngine({
      ...DEFAULT_RISK_POLICY,
      cooldown: { consecutiveLosses: 2, minutes: 30 },
    });
    const t = Date.UTC(2024, 0, 1);
    engine.onEquity(t, 1000);
    engine.onTradeClosed(t, 'ETH/BTC', dec(-1), false);
    engine.onTradeClosed(t + 1000, 'ETH/BTC', dec(-1), false);
    expect(engine.state.status().state).toBe('CoolingDown');
    const ctx = (now: number) => ({ now, equity: dec(1000), positions: [], correlation: () => 0 });
    const open = { symbol: 'LTC/BTC', side: 'BUY' as const, quantity: dec(1), price: dec(1), position: ZERO };
    expect(engine.check(open, ctx(t + 60_000))?.code).toBe('COOLDOWN');
    expect(engine.check({ ...open, side: 'SELL', position: dec(1) }, ctx(t + 60_000))).toBeUndefined();
    expect(engine.check(open, ctx(t + 1000 + 30 * 60_000))).toBeUndefined();
  });
});
