// The kernel on the real candles: deterministic, free of lookahead, and the
// same fills whether the columns drive it (backtest) or a replay feed does
// (the paper path).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TradingBotSpec } from '../../crds/index.ts';
import { tradingBotSpec } from '../../crds/index.ts';
import { runPaper } from '../kernel/index.ts';
import { type CandleSeries, loadCandlesCsv, MultiReplayFeed, ReplayFeed } from '../market-data/index.ts';
import { DEFAULT_RISK_POLICY } from '../risk/index.ts';
import { buildKernel, runBacktest } from './runner.ts';

const CANDLES = join(import.meta.dirname, '../../../shared/data/candles');
const load = (name: string): CandleSeries =>
  loadCandlesCsv(join(CANDLES, `${name}_5m.csv`), { gaps: 'keep' }).series;
const eth = load('ETH-BTC');

function bot(spec: Record<string, unknown>): TradingBotSpec {
  return tradingBotSpec(
    {
      exchange: { name: 'binance' },
      timeframe: '5m',
      capital: { amount: '10', currency: 'BTC' },
      ...spec,
    },
    't',
  );
}

const rsiBot = bot({
  symbols: ['ETH/BTC'],
  strategies: [{ name: 'rsi', type: 'rsi', rsi: { period: 9, oversold: 35, overbought: 65 } }],
});
const limitBot = bot({
  symbols: ['ETH/BTC'],
  strategies: [{ name: 'bands', type: 'bollinger', bollinger: {} }],
  execution: { orderType: 'limit', limitOffsetBps: 5, partialFills: true },
});
const multiSymbols = ['ETH/BTC', 'LTC/BTC', 'XLM/BTC'];
const ensembleBot = bot({
  symbols: multiSymbols,
  strategies: [
    { name: 'rsi', type: 'rsi', weight: '2', rsi: { period: 9, oversold: 35, overbought: 65 } },
    { name: 'macd', type: 'macd', weight: '1', macd: {} },
    { name: 'stoch', type: 'stochastic', weight: '1', stochastic: {} },
    {
      name: 'vol',
      type: 'volume',
      weight: '1',
      volume: { spikeMultiplier: 1.5, minPriceChangePercent: 0.2 },
    },
  ],
  combine: { method: 'weightedVote', threshold: 0.4 },
});
const multiMarkets = multiSymbols.map((s) => ({ symbol: s, series: load(s.replace('/', '-')) }));

function slice(s: CandleSeries, n: number): CandleSeries {
  return {
    ...s,
    length: n,
    time: s.time.slice(0, n),
    open: s.open.slice(0, n),
    high: s.high.slice(0, n),
    low: s.low.slice(0, n),
    close: s.close.slice(0, n),
    volume: s.volume.slice(0, n),
  };
}

const decisions = (
  orders: readonly {
    id: string;
    side: string;
    quantity: string;
    price?: string;
    ts: number;
    strategies: readonly string[];
  }[],
) =>
  orders.map(({ id, side, quantity, price, ts, strategies }) => ({
    id,
    side,
    quantity,
    price,
    ts,
    strategies,
  }));

describe('backtest on real candles', () => {
  it.each([
    ['rsi, market orders', rsiBot],
    ['bollinger, limit orders', limitBot],
  ])('%s: trades, and two runs give identical trades and fills', (_, b) => {
    const a = runBacktest({ bot: b, markets: [{ symbol: 'ETH/BTC', series: eth }] });
    const c = runBacktest({ bot: b, markets: [{ symbol: 'ETH/BTC', series: eth }] });
    expect(a.kernel.trades.length).toBeGreaterThan(10);
    expect(c.kernel.trades).toEqual(a.kernel.trades);
    expect(c.kernel.fills).toEqual(a.kernel.fills);
    expect(Array.from(c.kernel.equity.values)).toEqual(Array.from(a.kernel.equity.values));
    expect(a.kernel.equity.length).toBe(eth.length);
  });

  it('limit orders fill as maker or get canceled after their time to live', () => {
    const r = runBacktest({ bot: limitBot, markets: [{ symbol: 'ETH/BTC', series: eth }] });
    expect(r.kernel.fills.some((f) => f.liquidity === 'MAKER')).toBe(true);
    expect(r.kernel.orders.some((o) => o.status === 'CANCELED')).toBe(true);
  });

  it.each([
    ['single symbol', rsiBot, [{ symbol: 'ETH/BTC', series: eth }]],
    ['three symbols, ensemble', ensembleBot, multiMarkets],
  ] as const)('%s: cutting the data never changes a decision made before the cut', (_, b, markets) => {
    const full = runBacktest({ bot: b, markets });
    expect(full.kernel.orders.length).toBeGreaterThan(10);
    for (const cut of [500, 2345, 4999]) {
      const cutT = markets[0]!.series.time[cut - 1]! + 300_000;
      const part = runBacktest({
        bot: b,
        markets: markets.map((m) => ({ ...m, series: slice(m.series, cut) })),
      });
      expect(decisions(part.kernel.orders)).toEqual(
        decisions(full.kernel.orders.filter((o) => o.ts <= cutT)),
      );
      expect(part.kernel.fills).toEqual(full.kernel.fills.filter((f) => f.ts < cutT));
    }
  });

  it('a replay through the paper path produces the same fills as the backtest (one symbol)', async () => {
    const bt = runBacktest({ bot: rsiBot, markets: [{ symbol: 'ETH/BTC', series: eth }] });
    const { kernel } = buildKernel({ bot: rsiBot, markets: [{ symbol: 'ETH/BTC', series: eth }] });
    await runPaper(kernel, new ReplayFeed(eth, { symbol: 'ETH/BTC', speed: Number.POSITIVE_INFINITY }));
    expect(kernel.fills.length).toBeGreaterThan(10);
    expect(kernel.fills).toEqual(bt.kernel.fills);
    expect(kernel.trades).toEqual(bt.kernel.trades);
    expect(kernel.equityDecimal().toFixed()).toBe(bt.kernel.equityDecimal().toFixed());
  });

  it('a replay through the paper path produces the same fills as the backtest (three symbols)', async () => {
    const bt = runBacktest({ bot: ensembleBot, markets: multiMarkets });
    const { kernel } = buildKernel({ bot: ensembleBot, markets: multiMarkets });
    await runPaper(kernel, new MultiReplayFeed(multiMarkets, { speed: Number.POSITIVE_INFINITY }));
    expect(new Set(kernel.fills.map((f) => f.symbol)).size).toBe(3);
    expect(kernel.fills).toEqual(bt.kernel.fills);
    expect(kernel.risk.denials).toEqual(bt.kernel.risk.denials);
  });

  it('with --from, earlier candles only warm the strategies up', () => {
    const from = eth.time[3000]!;
    const r = runBacktest({ bot: rsiBot, markets: [{ symbol: 'ETH/BTC', series: eth }], from });
    expect(r.from).toBe(from);
    expect(r.kernel.orders.every((o) => o.ts > from)).toBe(true);
    expect(r.kernel.equity.times[0]).toBe(from + 300_000);
    // Warm at the start: a signal can come on the very first traded candles (no second warm-up).
    expect(r.kernel.strategies[0]![0]!.ready).toBe(true);
  });

  it('with --from and --to over several markets, only candles in the range are traded, merged by open time', () => {
    const times = multiMarkets[0]!.series.time;
    const from = times[2000]!;
    const to = times[4000]!;
    const r = runBacktest({ bot: ensembleBot, markets: multiMarkets, from, to });
    expect([r.from, r.to]).toEqual([from, to]);
    const equityTimes = [...r.kernel.equity.times];
    expect(equityTimes[0]).toBe(from + 300_000);
    expect(equityTimes.at(-1)).toBe(to + 300_000);
    expect(r.kernel.orders.length).toBeGreaterThan(0);
    expect(r.kernel.orders.every((o) => o.ts > from && o.ts <= to + 300_000)).toBe(true);
  });

  it('an emergency halt blocks every order for the whole run', () => {
    const r = runBacktest({
      bot: rsiBot,
      policy: { ...DEFAULT_RISK_POLICY, halt: true, haltReason: 'drill' },
      markets: [{ symbol: 'ETH/BTC', series: eth }],
    });
    expect(r.kernel.orders).toEqual([]);
    expect(r.kernel.fills).toEqual([]);
    expect(r.kernel.risk.denials.length).toBeGreaterThan(10);
    expect(new Set(r.kernel.risk.denials.map((d) => d.code))).toEqual(new Set(['HALT']));
  });

  it('a daily loss halts entries until 00:00 UTC, in a real run', () => {
    const r = runBacktest({
      bot: rsiBot,
      policy: { ...DEFAULT_RISK_POLICY, maxDailyLossPercent: '0.3', riskPerTradePercent: '0.3' },
      markets: [{ symbol: 'ETH/BTC', series: eth }],
    });
    const halted = r.kernel.risk.denials.filter((d) => d.code === 'TRADING_HALTED');
    expect(halted.length).toBeGreaterThan(0);
    expect(halted[0]!.figures.by).toBe('DAILY_LOSS_LIMIT');
    for (const d of halted) {
      const midnight = (Math.floor(d.t / 86_400_000) + 1) * 86_400_000;
      const entries = r.kernel.orders.filter((o) => o.side === 'BUY' && o.ts >= d.t && o.ts < midnight);
      expect(entries).toEqual([]);
    }
    // And trading resumes on a later day.
    const last = halted.at(-1)!.t;
    expect(r.kernel.orders.some((o) => o.side === 'BUY' && o.ts > last)).toBe(true);
  });

  it('limit orders too: the paper path fills exactly as the backtest', async () => {
    const bt = runBacktest({ bot: limitBot, markets: [{ symbol: 'ETH/BTC', series: eth }] });
    const { kernel } = buildKernel({ bot: limitBot, markets: [{ symbol: 'ETH/BTC', series: eth }] });
    await runPaper(kernel, new ReplayFeed(eth, { symbol: 'ETH/BTC', speed: Number.POSITIVE_INFINITY }));
    expect(kernel.fills.some((f) => f.liquidity === 'MAKER')).toBe(true);
    expect(kernel.fills).toEqual(bt.kernel.fills);
    expect(kernel.orders).toEqual(bt.kernel.orders);
  });

  it('correlated exposure: a second position in a correlated market is denied with the figures', () => {
    const r = runBacktest({
      bot: ensembleBot,
      policy: { ...DEFAULT_RISK_POLICY, maxPositionSizePercent: '20', maxCorrelatedExposurePercent: '30' },
      markets: multiMarkets,
      correlationThreshold: 0.2,
    });
    const denials = r.kernel.risk.denials.filter((d) => d.code === 'CORRELATED_EXPOSURE_EXCEEDED');
    expect(denials.length).toBeGreaterThan(0);
    for (const d of denials) {
      expect(d.figures.symbols!.split(' ').length).toBeGreaterThan(1);
      expect(Number(d.figures.exposure)).toBeGreaterThan(Number(d.figures.max_exposure));
    }
  });
});
