import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tradingBotSpec } from '../../crds/index.ts';
import { type BacktestInput, runBacktest } from '../backtest/runner.ts';
import { dec, type Fill, Money } from '../domain/index.ts';
import { loadCandlesCsv } from '../market-data/index.ts';
import { DEFAULT_RISK_POLICY } from '../risk/index.ts';
import { PaperVenue } from '../venue/paper/index.ts';
import type { VenueEvent } from '../venue/venue.ts';
import { FillLog } from './fill-log.ts';

const eth = loadCandlesCsv(join(import.meta.dirname, '../../../shared/data/candles/ETH-BTC_5m.csv'), {
  gaps: 'fill',
}).series;

const bot = (execution?: Record<string, unknown>) =>
  tradingBotSpec(
    {
      exchange: { name: 'binance' },
      symbols: ['ETH/BTC'],
      timeframe: '5m',
      capital: { amount: '1', currency: 'BTC' },
      strategies: [{ name: 'rsi', type: 'rsi', rsi: { period: 5, oversold: 45, overbought: 55 } }],
      ...(execution ? { execution } : {}),
    },
    'fill-log',
  );
const policy = { ...DEFAULT_RISK_POLICY, maxDrawdownPercent: '100' };

const onCandle = PaperVenue.prototype.onCandle;
afterEach(() => {
  PaperVenue.prototype.onCandle = onCandle;
});

/** Runs a backtest and returns the fills the paper venue reported, as it made them. */
function runSeeing(input: BacktestInput): { seen: Fill[]; kernel: ReturnType<typeof runBacktest>['kernel'] } {
  const seen: Fill[] = [];
  PaperVenue.prototype.onCandle = function (this: PaperVenue, ...args: Parameters<typeof onCandle>) {
    const out: VenueEvent[] = args[7];
    const from = out.length;
    onCandle.apply(this, args);
    for (let i = from; i < out.length; i++) {
      const e = out[i]!;
      if (e.type === 'OrderFilled' || e.type === 'StopFilled') seen.push(e.fill);
    }
  };
  const { kernel } = runBacktest(input);
  return { seen, kernel };
}

describe('a kernel keeps its fills as counts', () => {
  it.each([
    ['market orders and stops', undefined, undefined],
    [
      'limit orders with partial fills and jitter',
      { orderType: 'limit', limitOffsetBps: 5, partialFills: true, slippageBps: 7 },
      { maxVolumeShare: 0.02, latencyJitterMs: 400_000, slippageJitterBps: 3 },
    ],
  ] as const)(
    '%s: the fills read back equal the venue’s, field for field and in order',
    (_name, execution, venue) => {
      const { seen, kernel } = runSeeing({
        bot: bot(execution),
        policy,
        markets: [{ symbol: 'ETH/BTC', series: eth }],
        ...(venue ? { venue } : {}),
      });
      expect(seen.length).toBeGreaterThan(300);
      expect(kernel.fillCount).toBe(seen.length);
      const fills = kernel.fills;
      expect(fills).toStrictEqual(seen);
      // The same keys in the same order, so JSON is the same text.
      expect(JSON.stringify(fills)).toBe(JSON.stringify(seen));
      expect(fills.some((f) => f.liquidity === 'MAKER') || execution === undefined).toBe(true);
      let sum = dec(0);
      for (const f of seen) sum = sum.plus(f.fee.amount);
      expect(kernel.fillFees().toFixed()).toBe(sum.toFixed());
    },
  );
});

describe('FillLog', () => {
  const fill = (n: number, extra: Partial<Fill> = {}): Fill => ({
    orderId: `O-${n}`,
    tradeId: `O-${n}-1`,
    symbol: 'ETH/BTC',
    side: 'BUY',
    quantity: dec('1.25'),
    price: dec('0.0305'),
    fee: new Money(dec('0.0000381250'), 'BTC'),
    liquidity: 'TAKER',
    ts: 1_700_000_000_000 + n,
    ...extra,
  });

  it('keeps a fill whole, the same object, when the venue’s fills are not plain or a value is not a count', () => {
    const log = new FillLog(['ETH/BTC']);
    const notPlain = fill(1);
    const noCounts = fill(2);
    const counted = fill(3, { side: 'SELL', liquidity: 'MAKER' });
    log.add(notPlain, 0, false, 125, 2, 305, 4);
    log.add(noCounts, 0, true, Number.NaN, 0, Number.NaN, 0);
    log.add(counted, 0, true, 125, 2, 305, 4);
    const fills = log.fills();
    expect(fills[0]).toBe(notPlain);
    expect(fills[1]).toBe(noCounts);
    expect(fills[2]).not.toBe(counted);
    expect(fills[2]).toStrictEqual(counted);
    expect(log.feeTotal().toFixed()).toBe('0.000114375');
  });

  it('makes the fills booked since the last read, and keeps those it made', () => {
    const log = new FillLog(['ETH/BTC']);
    log.add(fill(1), 0, true, 125, 2, 305, 4);
    const first = log.fills();
    expect(first).toHaveLength(1);
    const made = first[0];
    log.add(fill(2), 0, true, 125, 2, 305, 4);
    const second = log.fills();
    expect(second).toHaveLength(2);
    expect(second[0]).toBe(made);
    expect(second[1]).toStrictEqual(fill(2));
  });
});
