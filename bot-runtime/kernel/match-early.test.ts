// Kernel.matchEarly: the executor books a candle's fills of working orders as
// the candle arrives, and steps the candle once its signals are in. Matching
// any subset of candles early must leave every record as one step per candle
// leaves it: orders, fills, trades, the equity curve, denials and the portfolio.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BacktestInput, buildKernel } from '../backtest/runner.ts';
import { wholeRunInputs } from '../backtest/whole-run-inputs.ts';
import { ZERO } from '../domain/index.ts';
import type { CandleSeries } from '../market-data/index.ts';
import type { Kernel } from './kernel.ts';

const CANDLE_COUNT = 1500;

/** Every candle of every market in step order: by open time, ties in market order. */
function stepOrder(markets: readonly { series: CandleSeries }[]): [number, number][] {
  const order: [number, number][] = [];
  markets.forEach((m, k) => {
    for (let i = 0; i < m.series.length; i++) order.push([k, i]);
  });
  return order.sort(
    (a, b) => markets[a[0]]!.series.time[a[1]]! - markets[b[0]]!.series.time[b[1]]! || a[0] - b[0],
  );
}

/** Runs `input`, matching early the candles (by position in step order) `early` picks. */
function run(backtest: BacktestInput, early: (n: number) => boolean): { kernel: Kernel; matched: number } {
  const { kernel, markets } = buildKernel(backtest);
  kernel.onStart();
  let matched = 0;
  stepOrder(markets).forEach(([k, i], n) => {
    const s = markets[k]!.series;
    const candle = [s.time[i]!, s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!] as const;
    if (early(n) && kernel.matchEarly(k, ...candle)) matched++;
    kernel.step(k, ...candle);
  });
  kernel.onStop();
  return { kernel, matched };
}

function records(k: Kernel): string {
  const h = createHash('sha256');
  for (const part of [k.orders, k.fills, k.trades, k.risk.denials, k.portfolio.balances(), k.openTrades()])
    h.update(JSON.stringify(part));
  h.update(JSON.stringify([...k.portfolio.positions()]));
  h.update(new Uint8Array(k.equity.times.buffer, k.equity.times.byteOffset, k.equity.times.byteLength));
  h.update(new Uint8Array(k.equity.values.buffer, k.equity.values.byteOffset, k.equity.values.byteLength));
  h.update(k.equityDecimal().toFixed());
  return `${k.orders.length}/${k.fills.length}/${k.trades.length} ${h.digest('hex')}`;
}

// The whole-run test's three runs (market orders; limit orders with partial fills, latency and jitter;
// an ensemble on three markets) on their first candles.
const runs = wholeRunInputs(CANDLE_COUNT);
const scenarios: [string, BacktestInput][] = [
  ['market orders', runs.marketOrders],
  ['limit orders with partial fills', runs.limitOrders],
  ['an ensemble on three markets', runs.ensemble],
];

describe('Kernel.matchEarly', () => {
  for (const [name, backtest] of scenarios) {
    const plain = records(run(backtest, () => false).kernel);

    it(`${name}: matching every candle early changes no record`, () => {
      const { kernel, matched } = run(backtest, () => true);
      expect(kernel.fillCount).toBeGreaterThan(50);
      // Warm-up candles are not matched: the rest are.
      expect(matched).toBeGreaterThan(CANDLE_COUNT / 2);
      expect(records(kernel)).toBe(plain);
    });

    it(`${name}: matching any subset of candles early changes no record`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          fc.integer({ min: 2, max: 7 }),
          (seed, every) => {
            // Candles picked by a hash of their position: a different scattered subset per seed.
            const picked = (n: number) => Math.imul(n ^ seed, 0x9e3779b1) >>> 0 < 0x1_0000_0000 / every;
            expect(records(run(backtest, picked).kernel)).toBe(plain);
          },
        ),
        { numRuns: 4 },
      );
    });
  }

  it('what a match leaves to the step (fills for the log, a round trip closed, the equity point before it) is there when read, or booked by onStop, when the candle is never stepped', () => {
    const backtest = runs.marketOrders;
    const plainKernel = run(backtest, () => false).kernel;
    const plain = plainKernel.trades;
    const { kernel, markets } = buildKernel(backtest);
    kernel.onStart();
    const s = markets[0]!.series;
    const held = () => !kernel.portfolio.position('ETH/BTC').quantity.isZero();
    let closes = 0;
    for (let i = 0; i < s.length; i++) {
      const candle = [s.time[i]!, s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!] as const;
      const before = held();
      kernel.matchEarly(0, ...candle);
      const end = candle[0] + s.timeframeMs;
      const booked = plainKernel.fills.filter((f) => f.ts < end);
      // The plain run filled on this candle: the match did.
      if (booked.length !== 0 && booked.at(-1)!.ts >= candle[0]) {
        // Fills booked early and read before the step: the count, then (every other time) the fills or their fees.
        expect(kernel.fillCount).toBe(booked.length);
        if (booked.length % 2 === 0) expect(kernel.fills).toEqual(booked);
        else
          expect(kernel.fillFees().toFixed()).toBe(
            booked.reduce((sum, f) => sum.plus(f.fee.amount), ZERO).toFixed(),
          );
      }
      if (before && !held() && ++closes === 5) {
        // Closed by this candle's fills, matched early: its step never comes.
        kernel.onStop();
        const closed = plain.filter((t) => t.exitTime < end);
        expect(closed.at(-1)!.exitTime).toBeGreaterThanOrEqual(candle[0]);
        expect(kernel.trades).toEqual(closed);
        // The curve up to the matched candle's open time is the plain run's (onStop adds one more point).
        const n = kernel.equity.length;
        expect(kernel.equity.times[n - 2]).toBe(candle[0]);
        expect([...kernel.equity.times.slice(0, n - 1)]).toEqual([
          ...plainKernel.equity.times.slice(0, n - 1),
        ]);
        expect([...kernel.equity.values.slice(0, n - 1)]).toEqual([
          ...plainKernel.equity.values.slice(0, n - 1),
        ]);
        return;
      }
      kernel.step(0, ...candle);
    }
    expect.unreachable('no candle closed a round trip');
  });

  it('matches a candle once, and no later candle before its step: those calls do nothing', () => {
    // Limit orders with partial fills: matching a candle twice would fill more.
    const backtest = runs.limitOrders;
    const plain = records(run(backtest, () => false).kernel);
    const { kernel, markets } = buildKernel(backtest);
    kernel.onStart();
    const s = markets[0]!.series;
    const candleAt = (i: number) =>
      [s.time[i]!, s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!] as const;
    let again = 0;
    let ahead = 0;
    for (let i = 0; i < s.length; i++) {
      const candle = candleAt(i);
      kernel.matchEarly(0, ...candle);
      if (kernel.matchEarly(0, ...candle)) again++;
      // Nor the next candle before this one's step.
      if (i + 1 < s.length && kernel.matchEarly(0, ...candleAt(i + 1))) ahead++;
      kernel.step(0, ...candle);
    }
    kernel.onStop();
    expect(again).toBe(0);
    expect(ahead).toBe(0);
    expect(records(kernel)).toBe(plain);
  });
});
