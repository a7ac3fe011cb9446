// The whole record of a backtest, hashed: orders, fills (every decimal),
// trades, the equity curve's times and values (every double), the final
// portfolio, the risk denials, the open trades and the JSON report. Speed work
// on the kernel, the venue and the domain must leave it exactly as it was; a
// change that means to alter results updates these hashes and says why.
// (These are the hashes of bbdfe6b, before the third round of speed work.)
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tradingBotSpec } from '../../crds/index.ts';
import { type CandleSeries, loadCandlesCsv } from '../market-data/index.ts';
import { DEFAULT_RISK_POLICY } from '../risk/index.ts';
import { buildReport } from './report.ts';
import { type BacktestInput, runBacktest } from './runner.ts';

const CANDLES = join(import.meta.dirname, '../../../shared/data/candles');
const load = (name: string): CandleSeries =>
  loadCandlesCsv(join(CANDLES, `${name}_5m.csv`), { gaps: 'fill' }).series;

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

function wholeRun(input: BacktestInput): string {
  const result = runBacktest(input);
  const k = result.kernel;
  const h = createHash('sha256');
  h.update(JSON.stringify(k.orders));
  h.update(JSON.stringify(k.fills));
  h.update(JSON.stringify(k.trades));
  const { times, values } = k.equity;
  h.update(new Uint8Array(times.buffer, times.byteOffset, times.byteLength));
  h.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  h.update(k.equityDecimal().toFixed());
  h.update(JSON.stringify(k.portfolio.balances()));
  h.update(JSON.stringify(k.portfolio.positions()));
  h.update(JSON.stringify(k.risk.denials));
  h.update(JSON.stringify(k.openTrades()));
  h.update(JSON.stringify(buildReport(result, 'golden')));
  return `${k.orders.length}/${k.fills.length}/${k.trades.length} ${h.digest('hex').slice(0, 24)}`;
}

describe('a whole backtest run', () => {
  const eth = load('ETH-BTC');
  it('market orders: the same records', () => {
    expect(
      wholeRun({ bot: bot(['ETH/BTC'], [busyRsi]), policy, markets: [{ symbol: 'ETH/BTC', series: eth }] }),
    ).toBe('648/672/333 de6de9dda3b04328019755ba');
  });

  it('limit orders with partial fills, latency and slippage jitter: the same records', () => {
    expect(
      wholeRun({
        bot: bot(['ETH/BTC'], [busyRsi], {
          orderType: 'limit',
          limitOffsetBps: 5,
          partialFills: true,
          slippageBps: 7,
        }),
        policy,
        markets: [{ symbol: 'ETH/BTC', series: eth }],
        venue: { maxVolumeShare: 0.02, latencyJitterMs: 400_000, slippageJitterBps: 3 },
      }),
    ).toBe('744/983/340 09157bd8776783fbafd9d1c9');
  });

  it('an ensemble on three markets: the same records', () => {
    const symbols = ['ETH/BTC', 'ADA/BTC', 'ETC/BTC'];
    expect(
      wholeRun({
        bot: bot(symbols, [
          { ...busyRsi, weight: '2' },
          { name: 'macd', type: 'macd', macd: {} },
          { name: 'bands', type: 'bollinger', bollinger: {} },
        ]),
        policy,
        markets: symbols.map((symbol) => ({ symbol, series: load(symbol.replace('/', '-')) })),
      }),
    ).toBe('1554/1810/795 8b905c0139a4274450357189');
  });
});
