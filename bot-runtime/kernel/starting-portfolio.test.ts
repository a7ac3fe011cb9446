// A kernel started from an existing portfolio (an executor restarted on a live
// feed) behaves like the kernel that reached that portfolio by trading.
import { describe, expect, it } from 'vitest';
import { dec } from '../domain/index.ts';
import { DEFAULT_RISK_POLICY } from '../risk/index.ts';
import type { Signal } from '../strategies/index.ts';
import { PaperVenue } from '../venue/paper/index.ts';
import { CandleClock } from './clock.ts';
import { btcInstrument, Scripted, scriptedBot } from './fake-scripted.ts';
import { Kernel, type StartingPortfolio } from './kernel.ts';

const TF = 300_000;
const T0 = Date.UTC(2024, 0, 1);

function kernel(
  scripts: Record<number, Signal>[],
  options: { startingPortfolio?: StartingPortfolio; maxOpenPositions?: number } = {},
): Kernel {
  const instruments = ['ETH', 'LTC'].slice(0, scripts.length).map(btcInstrument);
  const b = scriptedBot(instruments.map((i) => i.symbol));
  const k = new Kernel({
    bot: b,
    policy: { ...DEFAULT_RISK_POLICY, maxOpenPositions: options.maxOpenPositions ?? 5 },
    markets: instruments.map((i) => ({ symbol: i.symbol, instrument: i })),
    timeframeMs: TF,
    venue: new PaperVenue({ instruments, timeframeMs: TF, execution: b.execution, impactBps: 0 }),
    clock: new CandleClock(),
    strategyFactory: (_symbol, j) => [new Scripted(scripts[j]!)],
    ...(options.startingPortfolio ? { startingPortfolio: options.startingPortfolio } : {}),
  });
  k.onStart();
  return k;
}

type Bar = [number, number, number, number];

/** Steps symbol 0 through the candles, the i-th at T0 + (from + i) * TF. */
function run(k: Kernel, from: number, candles: Bar[]): void {
  for (const [i, [o, h, l, c]] of candles.entries()) k.step(0, T0 + (from + i) * TF, o, h, l, c, 1000);
}

const BEFORE: Bar[] = [
  [10, 10, 10, 10],
  [10, 10, 10, 10], // buy signal
  [11, 11, 11, 11], // filled at 11: 2.5 ETH, fee 0.0275
];
const AFTER: Bar[] = [
  [12, 12, 12, 12], // sell signal
  [13, 13, 13, 13], // filled at 13
];

describe('Kernel startingPortfolio', () => {
  it('a seeded position closes on the next sell with the PnL of the kernel that traded into it', () => {
    const traded = kernel([{ 1: 1, 3: -1 }]);
    run(traded, 0, [...BEFORE, ...AFTER]);
    traded.onStop();

    // The state the traded kernel was in after its buy, as a restart would read it from the ledger.
    const probe = kernel([{ 1: 1 }]);
    run(probe, 0, BEFORE);
    const held = probe.portfolio.position('ETH/BTC');
    expect([
      probe.portfolio.amount('BTC').toFixed(),
      held.quantity.toFixed(),
      held.averagePrice.toFixed(),
    ]).toEqual(['72.4725', '2.5', '11']);

    const seeded = kernel([{ 0: -1 }], {
      startingPortfolio: {
        cash: probe.portfolio.amount('BTC'),
        positions: [{ symbol: 'ETH/BTC', quantity: held.quantity, averagePrice: held.averagePrice }],
      },
    });
    expect(seeded.equityDecimal().toFixed()).toBe(probe.equityDecimal().toFixed());
    run(seeded, BEFORE.length, AFTER);
    seeded.onStop();

    const sell = (k: Kernel) => k.fills.filter((f) => f.side === 'SELL');
    expect(
      sell(seeded).map((f) => [f.quantity.toFixed(), f.price.toFixed(), f.fee.amount.toFixed(), f.ts]),
    ).toEqual(
      sell(traded).map((f) => [f.quantity.toFixed(), f.price.toFixed(), f.fee.amount.toFixed(), f.ts]),
    );
    // Same cash, same realised PnL (13 - 11) * 2.5, same equity at the end.
    for (const k of [seeded, traded]) {
      expect(k.portfolio.amount('BTC').toFixed()).toBe('104.94');
      expect(k.portfolio.position('ETH/BTC').realizedPnl.amount.toFixed()).toBe('5');
      expect(k.portfolio.position('ETH/BTC').quantity.isZero()).toBe(true);
    }
    expect(seeded.portfolio.netPnl({}).amount.toFixed()).toBe('4.94');
    // The trade: the traded kernel's net of both fees (4.94); the seeded one knows only the exit's fee (0.0325).
    expect(traded.trades.map((t) => t.pnl)).toEqual(['4.94']);
    expect(seeded.trades).toHaveLength(1);
    expect(seeded.trades[0]).toMatchObject({
      pnl: '4.9675',
      quantity: '2.5',
      entryPrice: '11',
      exitPrice: '13',
      fees: '0.0325',
      exitReason: 'signal',
      entryTime: T0 + BEFORE.length * TF,
      exitTime: T0 + 4 * TF + 50,
    });
    expect(Array.from(seeded.equity.values).at(-1)).toBeCloseTo(104.94, 10);
  });

  it('a seeded position carries its protective stop from its average price', () => {
    const k = kernel([{}], {
      startingPortfolio: {
        cash: dec(75),
        positions: [
          { symbol: 'ETH/BTC', quantity: dec('2.5'), averagePrice: dec(10), realizedPnl: dec('0.5') },
        ],
      },
    });
    run(k, 0, [
      [10, 10, 10, 10],
      [10, 10, 9.5, 9.6], // the low reaches the stop, 2 % under 10: sold at 9.80
    ]);
    expect(k.fills.map((f) => [f.side, f.quantity.toFixed(), f.price.toFixed()])).toEqual([
      ['SELL', '2.5', '9.8'],
    ]);
    expect(k.trades[0]).toMatchObject({ exitReason: 'stopLoss', pnl: '-0.5245' });
    // Realised: 0.5 before the restart, (9.8 - 10) * 2.5 after.
    expect(k.portfolio.position('ETH/BTC').realizedPnl.amount.toFixed()).toBe('0');
  });

  it('seeded positions count as open for the risk checks', () => {
    const start: StartingPortfolio = {
      cash: dec(75),
      positions: [{ symbol: 'LTC/BTC', quantity: dec(25), averagePrice: dec(1) }],
    };
    const k = kernel([{ 1: 1 }, {}], { startingPortfolio: start, maxOpenPositions: 1 });
    run(k, 0, [
      [10, 10, 10, 10],
      [10, 10, 10, 10], // buy signal on ETH: LTC is already open
      [10, 10, 10, 10],
    ]);
    expect(k.orders).toHaveLength(0);
    expect(k.risk.denials.map((d) => d.code)).toEqual(['MAX_OPEN_POSITIONS']);

    // Without the seeded position the same signal buys.
    const flat = kernel([{ 1: 1 }, {}], { maxOpenPositions: 1 });
    run(flat, 0, [
      [10, 10, 10, 10],
      [10, 10, 10, 10],
      [10, 10, 10, 10],
    ]);
    expect(flat.orders.map((o) => o.side)).toEqual(['BUY']);
  });

  it('refuses a short position (the bot trades long only)', () => {
    expect(() =>
      kernel([{}], {
        startingPortfolio: {
          cash: dec(100),
          positions: [{ symbol: 'ETH/BTC', quantity: dec(-1), averagePrice: dec(10) }],
        },
      }),
    ).toThrow(/long only/);
  });
});
