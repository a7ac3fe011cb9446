// The whole record of a backtest, hashed: orders, fills (every decimal),
// trades, the equity curve's times and values (every double), the final
// portfolio, the risk denials, the open trades and the JSON report. Speed work
// on the kernel, the venue and the domain must leave it exactly as it was; a
// change that means to alter results updates these hashes and says why.
// (These are the hashes of bbdfe6b, before the third round of speed work.)
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildReport } from './report.ts';
import { type BacktestInput, runBacktest } from './runner.ts';
import { wholeRunInputs } from './whole-run-inputs.ts';

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
  const runs = wholeRunInputs();
  it('market orders: the same records', () => {
    expect(wholeRun(runs.marketOrders)).toBe('648/672/333 de6de9dda3b04328019755ba');
  });

  it('limit orders with partial fills, latency and slippage jitter: the same records', () => {
    expect(wholeRun(runs.limitOrders)).toBe('744/983/340 09157bd8776783fbafd9d1c9');
  });

  it('an ensemble on three markets: the same records', () => {
    expect(wholeRun(runs.ensemble)).toBe('1554/1810/795 8b905c0139a4274450357189');
  });
});
