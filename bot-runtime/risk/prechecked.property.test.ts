// checkPrechecked against check: after a precheck that allows, the two give
// the same verdict and leave the engine in the same state, whatever the
// history of equities, closed trades, halts and orders before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, dec, ZERO } from '../domain/index.ts';
import { RiskEngine } from './engine.ts';
import { openPositions, policyArb, SYMBOLS } from './engine-arbitraries.ts';

type Op =
  | { kind: 'equity'; dt: number; factor: number }
  | { kind: 'close'; dt: number; symbol: number; pnl: number; stop: boolean }
  | { kind: 'halt'; dt: number; on: boolean }
  | { kind: 'order'; dt: number; symbol: number; buy: boolean; qty: number; price: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('equity' as const),
    dt: fc.integer({ min: 0, max: 3_600_000 }),
    factor: fc.double({ min: 0.98, max: 1.03, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('close' as const),
    dt: fc.integer({ min: 0, max: 600_000 }),
    symbol: fc.integer({ min: 0, max: 2 }),
    pnl: fc.integer({ min: -5, max: 20 }),
    stop: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('halt' as const),
    dt: fc.integer({ min: 0, max: 60_000 }),
    on: fc.boolean(),
  }),
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      dt: fc.integer({ min: 0, max: 60_000 }),
      symbol: fc.integer({ min: 0, max: 2 }),
      buy: fc.boolean(),
      qty: fc.integer({ min: 1, max: 800 }),
      price: fc.constantFrom(0.5, 1, 2),
    }),
  },
);

describe('RiskEngine.checkPrechecked', () => {
  it('after a precheck that allows, gives check’s verdict and leaves the engine as check does', () => {
    // How often the property reached each outcome of the prechecked path.
    const seen = { allowed: 0, denied: 0 };
    fc.assert(
      fc.property(
        policyArb,
        fc.array(opArb, { minLength: 1, maxLength: 80 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (policy, ops, corr) => {
          const full = new RiskEngine(policy, { correlationThreshold: 0.5 });
          const gated = new RiskEngine(policy, { correlationThreshold: 0.5 });
          const both = (f: (e: RiskEngine) => unknown) => {
            const a = f(full);
            expect(f(gated)).toEqual(a);
            return a;
          };
          const pos = new Map<string, Decimal>(SYMBOLS.map((s) => [s, ZERO]));
          let equity = 10_000;
          let now = Date.UTC(2024, 0, 1, 22);
          both((e) => e.onEquity(now, equity));
          for (const op of ops) {
            now += op.dt;
            if (op.kind === 'equity') {
              equity *= op.factor;
              both((e) => e.onEquity(now, equity));
            } else if (op.kind === 'close') {
              both((e) => e.onTradeClosed(now, SYMBOLS[op.symbol]!, op.pnl, op.stop));
            } else if (op.kind === 'halt') {
              both((e) => e.setHalt(op.on, 'test'));
            } else {
              const symbol = SYMBOLS[op.symbol]!;
              const side = op.buy ? 'BUY' : 'SELL';
              const denied = both((e) => e.precheck(symbol, side, now));
              if (denied) continue;
              const position = pos.get(symbol)!;
              const quantity = dec(op.qty);
              const price = dec(op.price);
              const intent = { symbol, side, quantity, price, position } as const;
              const positions = openPositions(pos, price);
              const ctx = { now, equity: dec(equity), positions, correlation: () => corr };
              const verdict = full.check(intent, ctx);
              expect(gated.checkPrechecked(intent, ctx)).toEqual(verdict);
              seen[verdict ? 'denied' : 'allowed']++;
              if (!verdict) pos.set(symbol, position.plus(op.buy ? quantity : quantity.negated()));
            }
            // The same state: the same denials so far, and the same answer to the next gate.
            expect(gated.denials).toEqual(full.denials);
            for (const symbol of SYMBOLS) both((e) => e.precheck(symbol, 'BUY', now + 1));
          }
        },
      ),
      { numRuns: 400 },
    );
    expect(seen.allowed).toBeGreaterThan(300);
    expect(seen.denied).toBeGreaterThan(300);
  });

  it('decides the size limits as check does: a prechecked order too large is denied', () => {
    const engine = new RiskEngine({
      maxDailyLossPercent: '10',
      cooldown: { consecutiveLosses: 3, minutes: 10 },
      maxPositionSizePercent: '10',
      maxPositionNotional: undefined,
      riskPerTradePercent: '1',
      stopLossPercent: '2',
      maxCorrelatedExposurePercent: '100',
      maxOpenPositions: 3,
      maxDrawdownPercent: '20',
      pairLock: { stopLosses: 2, minutes: 10 },
      maxOrdersPerMinute: 5,
      halt: false,
    });
    const now = Date.UTC(2024, 0, 1);
    engine.onEquity(now, 1000);
    expect(engine.precheck('ETH/BTC', 'BUY', now)).toBeUndefined();
    const ctx = { now, equity: dec(1000), positions: [], correlation: () => Number.NaN };
    const intent = { symbol: 'ETH/BTC', side: 'BUY', price: dec(1), position: ZERO } as const;
    expect(engine.checkPrechecked({ ...intent, quantity: dec(101) }, ctx)?.code).toBe(
      'POSITION_SIZE_EXCEEDED',
    );
    expect(engine.checkPrechecked({ ...intent, quantity: dec(99) }, ctx)).toBeUndefined();
  });
});
