// The three backtests whose whole records speed work must leave exactly as
// they were: busy RSI round trips on the real candles of ../shared/data,
// with market orders, with limit orders (partial fills, latency and slippage
// jitter), and as an ensemble on three markets. backtest/whole-run.test.ts
// hashes their records; kernel/match-early.test.ts runs them with candles
// matched early. Test support: it reads the shared candle files.
import { join } from 'node:path';
import { tradingBotSpec } from '../../crds/index.ts';
import { type CandleSeries, loadCandlesCsv } from '../market-data/index.ts';
import { DEFAULT_RISK_POLICY } from '../risk/index.ts';
import type { BacktestInput } from './runner.ts';

const CANDLES = join(import.meta.dirname, '../../../shared/data/candles');

/** A pair's real 5-minute candles (`ETH-BTC`), gaps filled; the first `count` of them when given. */
export function realCandles(name: string, count?: number): CandleSeries {
  const whole = loadCandlesCsv(join(CANDLES, `${name}_5m.csv`), { gaps: 'fill' }).series;
  if (count === undefined || count >= whole.length) return whole;
  const { time, open, high, low, close, volume } = whole;
  return {
    ...whole,
    length: count,
    time: time.subarray(0, count),
    open: open.subarray(0, count),
    high: high.subarray(0, count),
    low: low.subarray(0, count),
    close: close.subarray(0, count),
    volume: volume.subarray(0, count),
  };
}

const bot = (symbols: string[], strategies: unknown[], execution?: Record<string, unknown>) =>
  tradingBotSpec(
    {
      exchange: { name: 'binance' },
      symbols,
      timeframe: '5m',
      capital: { amount: '1', currency: 'BTC' },
      strategies,
      ...(execution ? { execution } : {}),
    },
    'golden',
  );

// Levels close together: hundreds of round trips on a few thousand candles.
const busyRsi = { name: 'rsi', type: 'rsi', rsi: { period: 5, oversold: 45, overbought: 55 } };
const policy = { ...DEFAULT_RISK_POLICY, maxDrawdownPercent: '100' };

/** The three runs, on every candle of their files or on the first `candles`. */
export function wholeRunInputs(candles?: number): {
  readonly marketOrders: BacktestInput;
  readonly limitOrders: BacktestInput;
  readonly ensemble: BacktestInput;
} {
  const eth = [{ symbol: 'ETH/BTC', series: realCandles('ETH-BTC', candles) }];
  const symbols = ['ETH/BTC', 'ADA/BTC', 'ETC/BTC'];
  return {
    marketOrders: { bot: bot(['ETH/BTC'], [busyRsi]), policy, markets: eth },
    limitOrders: {
      bot: bot(['ETH/BTC'], [busyRsi], {
        orderType: 'limit',
        limitOffsetBps: 5,
        partialFills: true,
        slippageBps: 7,
      }),
      policy,
      markets: eth,
      venue: { maxVolumeShare: 0.02, latencyJitterMs: 400_000, slippageJitterBps: 3 },
    },
    ensemble: {
      bot: bot(symbols, [
        { ...busyRsi, weight: '2' },
        { name: 'macd', type: 'macd', macd: {} },
        { name: 'bands', type: 'bollinger', bollinger: {} },
      ]),
      policy,
      markets: symbols.map((symbol) => ({ symbol, series: realCandles(symbol.replace('/', '-'), candles) })),
    },
  };
}
