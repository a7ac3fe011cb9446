import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RiskPolicySpec } from '../../crds/index.ts';
import { dec } from '../domain/index.ts';
import { DEFAULT_RISK_POLICY, RiskEngine } from './engine.ts';
import { type ClosedTrade, type EquityAt, restoreRisk } from './restore.ts';

const DAY = 86_400_000;
const MIN = 60_000;
const D = Date.UTC(2026, 10, 20);
const SYMBOLS = ['ETH/BTC', 'LTC/BTC'];

/** Equity at a candle close, as the kernel passes it: only outside the engine's quiet band. */
function equityAt(engine: RiskEngine, now: number, equity: number): void {
  if (now >= engine.quietUntil || equity <= engine.quietLow || equity > engine.quietHigh)
    engine.onEquity(now, equity);
}

/** A reducing sell: what the kernel's close asks (allowed unless halted or over the order rate). */
function closeOrder(engine: RiskEngine, now: number) {
  return engine.check(
    { symbol: SYMBOLS[0]!, side: 'SELL', quantity: dec(1), price: dec(1), position: dec(1) },
    { now, equity: dec(1), positions: [], correlation: () => Number.NaN },
  );
}

const policyArb: fc.Arbitrary<RiskPolicySpec> = fc.record({
  maxDailyLossPercent: fc.constantFrom('1', '2.5', '5'),
  cooldown: fc.record({
    consecutiveLosses: fc.integer({ min: 1, max: 4 }),
    minutes: fc.integer({ min: 1, max: 120 }),
  }),
  maxPositionSizePercent: fc.constant('25'),
  riskPerTradePercent: fc.constant('2'),
  stopLossPercent: fc.constant('2'),
  maxCorrelatedExposurePercent: fc.constant('70'),
  maxOpenPositions: fc.constant(5),
  maxDrawdownPercent: fc.constantFrom('3', '10', '20'),
  pairLock: fc.record({
    stopLosses: fc.integer({ min: 1, max: 3 }),
    minutes: fc.integer({ min: 1, max: 120 }),
  }),
  maxOrdersPerMinute: fc.integer({ min: 1, max: 5 }),
  halt: fc.constant(false),
});

type Op =
  | { kind: 'equity'; dt: number; factor: number }
  | { kind: 'order'; dt: number }
  | { kind: 'close'; dt: number; symbol: number; pnl: number; stop: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('equity' as const),
    dt: fc.integer({ min: 0, max: 4 * 3_600_000 }),
    factor: fc.double({ min: 0.95, max: 1.05, noNaN: true }),
  }),
  fc.record({ kind: fc.constant('order' as const), dt: fc.integer({ min: 0, max: 40_000 }) }),
  fc.record({
    kind: fc.constant('close' as const),
    dt: fc.integer({ min: 0, max: 1_800_000 }),
    symbol: fc.integer({ min: 0, max: 1 }),
    pnl: fc.integer({ min: -5, max: 5 }),
    stop: fc.boolean(),
  }),
);

describe('restoreRisk', () => {
  it('rebuilds the state of an engine that lived through the same records, and a restored engine then decides as it does (property)', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.array(opArb, { minLength: 1, maxLength: 120 }),
        fc.array(fc.integer({ min: 0, max: 2 * DAY }), { minLength: 1, maxLength: 6 }),
        (policy, ops, probes) => {
          const live = new RiskEngine(policy);
          const equity: EquityAt[] = [];
          const closedTrades: ClosedTrade[] = [];
          const orderTimes: number[] = [];
          let now = D + 5 * MIN;
          let eq = 1;
          for (const op of ops) {
            now += op.dt;
            if (op.kind === 'equity') {
              eq *= op.factor;
              equityAt(live, now, eq);
              equity.push({ t: now, equity: eq });
            } else if (op.kind === 'order') {
              // The ledger has the orders the engine allowed.
              if (!closeOrder(live, now)) orderTimes.push(now);
            } else {
              const trade = {
                symbol: SYMBOLS[op.symbol]!,
                exitTime: now,
                pnl: dec(op.pnl),
                stopLoss: op.stop,
              };
              live.onTradeClosed(now, trade.symbol, trade.pnl, trade.stopLoss);
              closedTrades.push(trade);
            }
          }
          const rebuilt = restoreRisk(policy, { equity, closedTrades, orderTimes }, now);
          expect(rebuilt).toEqual(live.snapshot(now));

          const restored = new RiskEngine(policy);
          restored.restore(rebuilt);
          expect(restored.snapshot(now)).toEqual(live.snapshot(now));
          // From here on both see the same candles and answer the same.
          for (const dt of probes.sort((a, b) => a - b)) {
            const t = now + dt;
            equityAt(live, t, eq);
            equityAt(restored, t, eq);
            for (const symbol of SYMBOLS)
              expect(restored.precheck(symbol, 'BUY', t)).toEqual(live.precheck(symbol, 'BUY', t));
            expect(closeOrder(restored, t)).toEqual(closeOrder(live, t));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves out what happened after the time it is asked for', () => {
    const history = {
      equity: [
        { t: D + MIN, equity: 1 },
        { t: D + 2 * MIN, equity: 0.5 },
      ],
      closedTrades: [{ symbol: 'ETH/BTC', exitTime: D + 2 * MIN, pnl: dec(-1), stopLoss: true }],
      orderTimes: [D + 2 * MIN],
    };
    const engine = new RiskEngine(DEFAULT_RISK_POLICY);
    engine.onEquity(D + MIN, 1);
    expect(restoreRisk(DEFAULT_RISK_POLICY, history, D + MIN)).toEqual(engine.snapshot(D + MIN));
  });
});

describe('a restarted engine (restore) keeps its limits', () => {
  const policy = DEFAULT_RISK_POLICY; // 5 % a day, 20 % drawdown, 5 losses: 60 min, 2 stop-losses: 60 min

  function restart(
    history: {
      equity?: EquityAt[];
      closedTrades?: ClosedTrade[];
      orderTimes?: number[];
    },
    at: number,
  ): RiskEngine {
    const engine = new RiskEngine(policy);
    engine.restore(
      restoreRisk(
        policy,
        {
          equity: history.equity ?? [],
          closedTrades: history.closedTrades ?? [],
          orderTimes: history.orderTimes ?? [],
        },
        at,
      ),
    );
    return engine;
  }

  it('halted by the daily loss: stays halted the rest of the UTC day, trades again the next', () => {
    const equity = [
      { t: D + 5 * MIN, equity: 1 },
      { t: D + 10 * 60 * MIN, equity: 0.94 },
    ];
    const engine = restart({ equity }, D + 10 * 60 * MIN);
    expect(engine.state.state).toBe('HALTED');
    equityAt(engine, D + 23 * 60 * MIN, 0.96);
    expect(engine.precheck('ETH/BTC', 'BUY', D + 23 * 60 * MIN)).toMatchObject({ code: 'TRADING_HALTED' });
    equityAt(engine, D + DAY + 5 * MIN, 0.96);
    expect(engine.precheck('ETH/BTC', 'BUY', D + DAY + 5 * MIN)).toBeUndefined();
    expect(engine.dayStartEquity).toBe(0.96);
  });

  it('counts the losses before the restart toward the day: the limit comes from the day’s starting equity', () => {
    const equity = [
      { t: D + 5 * MIN, equity: 1 },
      { t: D + 60 * MIN, equity: 0.97 },
    ];
    const engine = restart({ equity }, D + 60 * MIN);
    expect(engine.state.state).toBe('ACTIVE');
    // 2.6 % below the equity at the restart, 5.5 % below the day's start.
    equityAt(engine, D + 65 * MIN, 0.945);
    expect(engine.state.current).toMatchObject({ code: 'DAILY_LOSS_LIMIT', until: D + DAY });
  });

  it('a cooldown in progress runs its course', () => {
    const closedTrades = [1, 2, 3, 4, 5].map((n) => ({
      symbol: 'ETH/BTC',
      exitTime: D + n * 10 * MIN,
      pnl: dec('-0.001'),
      stopLoss: false,
    }));
    const engine = restart({ closedTrades }, D + 51 * MIN);
    expect(engine.consecutiveLosses).toBe(5);
    expect(engine.precheck('ETH/BTC', 'BUY', D + 80 * MIN)).toMatchObject({ code: 'COOLDOWN' });
    expect(engine.precheck('ETH/BTC', 'BUY', D + 111 * MIN)).toBeUndefined();
  });

  it('a pair locked by its stop-losses stays locked; other pairs trade', () => {
    const closedTrades = [1, 2].map((n) => ({
      symbol: 'ETH/BTC',
      exitTime: D + n * 10 * MIN,
      pnl: dec('-0.001'),
      stopLoss: true,
    }));
    const engine = restart({ closedTrades }, D + 25 * MIN);
    expect(engine.precheck('ETH/BTC', 'BUY', D + 70 * MIN)).toMatchObject({ code: 'PAIR_LOCKED' });
    expect(engine.precheck('LTC/BTC', 'BUY', D + 70 * MIN)).toBeUndefined();
    expect(engine.precheck('ETH/BTC', 'BUY', D + 81 * MIN)).toBeUndefined();
  });

  it('the drawdown is measured from the peak before the restart', () => {
    const equity = [
      { t: D + 5 * MIN, equity: 1 },
      { t: D + 2 * DAY, equity: 1.2 },
      { t: D + 4 * DAY, equity: 1 },
    ];
    const engine = restart({ equity }, D + 4 * DAY);
    expect(engine.peakEquity).toBe(1.2);
    // 20.8 % below the peak: a fresh engine would have taken 0.99 for it.
    equityAt(engine, D + 4 * DAY + 5 * MIN, 0.95);
    expect(engine.state.current).toMatchObject({ state: 'HALTED', code: 'MAX_DRAWDOWN' });
  });

  it('the order rate counts the orders of the minute before the restart', () => {
    const orderTimes = Array.from({ length: 60 }, (_, n) => D + 10 * MIN + n * 500);
    const engine = restart({ orderTimes }, D + 10 * MIN + 30_000);
    expect(closeOrder(engine, D + 10 * MIN + 40_000)).toMatchObject({ code: 'ORDER_RATE_EXCEEDED' });
    expect(closeOrder(engine, D + 11 * MIN + 30_000)).toBeUndefined();
  });
});
