// The backtest report: every figure of docs/backtesting.md, as one JSON
// document (`--json`), a terminal summary, or a self-contained HTML page.
import { Decimal } from '../domain/index.ts';
import { formatTimeframe } from '../market-data/index.ts';
import { DEFAULT_RISK_POLICY, formatDenial } from '../risk/index.ts';
import {
  averageDuration,
  cagr,
  calmar,
  dailyReturns,
  drawdown,
  expectancy,
  expectancyRatio,
  exposure,
  monthlyReturns,
  profitFactor,
  sharpe,
  sortino,
  totalReturn,
  winRate,
} from './metrics.ts';
import type { BacktestResult } from './runner.ts';

export interface TradeRow {
  readonly symbol: string;
  readonly strategies: readonly string[];
  readonly entryTime: string;
  readonly exitTime: string;
  readonly durationMs: number;
  readonly quantity: string;
  readonly entryPrice: string;
  readonly exitPrice: string;
  readonly pnl: string;
  readonly return: number;
  readonly fees: string;
  readonly exitReason: string;
}

export interface GroupRow {
  readonly trades: number;
  readonly wins: number;
  readonly winRate: number | null;
  readonly pnl: string;
  readonly fees: string;
  readonly averageReturn: number | null;
}

export interface BacktestReport {
  readonly bot: string;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly period: { from: string; to: string; candles: number; days: number };
  readonly currency: string;
  readonly startingEquity: string;
  readonly endingEquity: string;
  readonly netProfit: string;
  readonly metrics: {
    readonly totalReturn: number;
    readonly cagr: number | null;
    readonly sharpe: number | null;
    readonly sortino: number | null;
    readonly calmar: number | null;
    readonly maxDrawdown: number;
    readonly maxDrawdownPeak: string | null;
    readonly maxDrawdownTrough: string | null;
    readonly maxDrawdownRecovery: string | null;
    readonly maxDrawdownDurationMs: number;
    readonly maxDrawdownDuration: string;
    readonly longestDrawdownDurationMs: number;
    readonly longestDrawdownDuration: string;
    readonly profitFactor: number | null;
    readonly expectancy: number | null;
    readonly expectancyRatio: number | null;
    readonly winRate: number | null;
    readonly trades: number;
    readonly wins: number;
    readonly losses: number;
    readonly averageTradeDurationMs: number | null;
    readonly averageTradeDuration: string | null;
    readonly exposure: number;
    readonly feesPaid: string;
    readonly bestTrade: { symbol: string; return: number; pnl: string } | null;
    readonly worstTrade: { symbol: string; return: number; pnl: string } | null;
    readonly stopLossExits: number;
    readonly ordersSubmitted: number;
    readonly fills: number;
    readonly openPositions: number;
  };
  readonly perSymbol: readonly (GroupRow & { symbol: string })[];
  readonly perStrategy: readonly (GroupRow & { strategy: string; type: string })[];
  readonly monthlyReturns: readonly { month: string; return: number }[];
  readonly riskDenials: {
    readonly total: number;
    readonly byCode: Readonly<Record<string, number>>;
    readonly list: readonly { time: string; symbol: string; side: string; code: string; message: string }[];
  };
  readonly trades: readonly TradeRow[];
  readonly openTrades: readonly Record<string, unknown>[];
  /** Equity and drawdown at most 1,000 points: [time ms, equity, drawdown ratio]. */
  readonly equityCurve: readonly [number, number, number][];
  readonly settings: Record<string, unknown>;
  readonly warnings: readonly string[];
}

const iso = (t: number | null): string | null =>
  t === null || !Number.isFinite(t) ? null : new Date(t).toISOString();

/** `3d 4h 5m` from milliseconds. */
export function formatDuration(ms: number): string {
  if (!(ms > 0)) return '0m';
  const d = Math.floor(ms / 86_400_000);
  const h = Math.floor((ms % 86_400_000) / 3_600_000);
  const m = Math.round((ms % 3_600_000) / 60_000);
  return [d ? `${d}d` : '', h ? `${h}h` : '', m || (!d && !h) ? `${m}m` : ''].filter(Boolean).join(' ');
}

function group(trades: readonly TradeRow[]): GroupRow {
  const pnls = trades.map((t) => Number(t.pnl));
  let pnl = new Decimal(0);
  let fees = new Decimal(0);
  for (const t of trades) {
    pnl = pnl.plus(t.pnl);
    fees = fees.plus(t.fees);
  }
  return {
    trades: trades.length,
    wins: pnls.filter((p) => p > 0).length,
    winRate: winRate(pnls),
    pnl: pnl.toFixed(),
    fees: fees.toFixed(),
    averageReturn: trades.length ? trades.reduce((a, t) => a + t.return, 0) / trades.length : null,
  };
}

/** Every point when small, else one per stride plus the deepest drawdown point. */
function downsample(times: Float64Array, equity: Float64Array, max = 1000): [number, number, number][] {
  const n = times.length;
  const out: [number, number, number][] = [];
  const stride = Math.max(1, Math.ceil(n / max));
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  let worstPoint: [number, number, number] | undefined;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    const dd = peak > 0 ? (peak - e) / peak : 0;
    if (dd > worst) {
      worst = dd;
      worstPoint = [times[i]!, e, dd];
    }
    if (i % stride === 0 || i === n - 1) out.push([times[i]!, e, dd]);
  }
  if (worstPoint && !out.some((p) => p[0] === worstPoint![0])) {
    out.push(worstPoint);
    out.sort((a, b) => a[0] - b[0]);
  }
  return out;
}

export function buildReport(result: BacktestResult, botName = 'bot'): BacktestReport {
  const { kernel } = result;
  const start = result.startingEquity.toNumber();
  const times = kernel.equity.times;
  const values = kernel.equity.values;
  const ending = kernel.equityDecimal();
  const trades: TradeRow[] = kernel.trades.map((t) => ({
    symbol: t.symbol,
    strategies: t.strategies,
    entryTime: iso(t.entryTime)!,
    exitTime: iso(t.exitTime)!,
    durationMs: t.exitTime - t.entryTime,
    quantity: t.quantity,
    entryPrice: t.entryPrice,
    exitPrice: t.exitPrice,
    pnl: t.pnl,
    return: t.return,
    fees: t.fees,
    exitReason: t.exitReason,
  }));
  const pnls = kernel.trades.map((t) => Number(t.pnl));
  const periodStart = result.from;
  const periodEnd = result.to + result.timeframeMs;
  const span = periodEnd - periodStart;
  const dd = drawdown(times, values);
  const daily = dailyReturns(times, values, start);
  const growth = cagr(start, ending.toNumber(), span);
  const avgDur = averageDuration(kernel.trades);
  const fees = kernel.fillFees();
  const open = kernel.openTrades();
  const intervals: [number, number][] = [
    ...kernel.trades.map((t) => [t.entryTime, t.exitTime] as [number, number]),
    ...open.map((o) => [o.entryTime, periodEnd] as [number, number]),
  ];
  const byReturn = [...kernel.trades].sort((a, b) => b.return - a.return);
  const pick = (t: (typeof kernel.trades)[number] | undefined) =>
    t ? { symbol: t.symbol, return: t.return, pnl: t.pnl } : null;
  const bot = result.input.bot;
  const strategyType = new Map(bot.strategies.map((s) => [s.name, s.type]));
  return {
    bot: botName,
    symbols: kernel.symbols,
    timeframe: formatTimeframe(result.timeframeMs),
    period: {
      from: iso(periodStart) ?? '',
      to: iso(periodEnd) ?? '',
      candles: result.candles,
      days: span > 0 ? span / 86_400_000 : 0,
    },
    currency: result.currency,
    startingEquity: result.startingEquity.toFixed(),
    endingEquity: ending.toFixed(),
    netProfit: ending.minus(result.startingEquity).toFixed(),
    metrics: {
      totalReturn: totalReturn(start, ending.toNumber()),
      cagr: growth,
      sharpe: sharpe(daily),
      sortino: sortino(daily),
      calmar: calmar(growth, dd.maxDrawdown),
      maxDrawdown: dd.maxDrawdown,
      maxDrawdownPeak: iso(dd.peakTime),
      maxDrawdownTrough: iso(dd.troughTime),
      maxDrawdownRecovery: iso(dd.recoveryTime),
      maxDrawdownDurationMs: dd.durationMs,
      maxDrawdownDuration: formatDuration(dd.durationMs),
      longestDrawdownDurationMs: dd.longestDurationMs,
      longestDrawdownDuration: formatDuration(dd.longestDurationMs),
      profitFactor: profitFactor(pnls),
      expectancy: expectancy(pnls),
      expectancyRatio: expectancyRatio(pnls),
      winRate: winRate(pnls),
      trades: pnls.length,
      wins: pnls.filter((p) => p > 0).length,
      losses: pnls.filter((p) => p < 0).length,
      averageTradeDurationMs: avgDur,
      averageTradeDuration: avgDur === null ? null : formatDuration(avgDur),
      exposure: exposure(intervals, periodStart, periodEnd),
      feesPaid: fees.toFixed(),
      bestTrade: pick(byReturn[0]),
      worstTrade: pick(byReturn.at(-1)),
      stopLossExits: kernel.trades.filter((t) => t.exitReason === 'stopLoss').length,
      ordersSubmitted: kernel.orderCount,
      fills: kernel.fillCount,
      openPositions: open.length,
    },
    perSymbol: kernel.symbols.map((symbol) => ({
      symbol,
      ...group(trades.filter((t) => t.symbol === symbol)),
    })),
    perStrategy: bot.strategies.map((s) => ({
      strategy: s.name,
      type: strategyType.get(s.name) ?? s.type,
      ...group(trades.filter((t) => t.strategies.includes(s.name))),
    })),
    monthlyReturns: monthlyReturns(times, values, start),
    riskDenials: {
      total: kernel.risk.denials.length,
      byCode: kernel.risk.denialCounts(),
      list: kernel.risk.denials.slice(0, 200).map((d) => ({
        time: iso(d.t) ?? '',
        symbol: d.symbol,
        side: d.side,
        code: d.code,
        message: formatDenial(d),
      })),
    },
    trades,
    openTrades: open.map((o) => ({ ...o, entryTime: iso(o.entryTime) })),
    equityCurve: downsample(times, values),
    settings: {
      execution: bot.execution,
      combine: bot.combine,
      riskPolicy: result.input.policy ?? DEFAULT_RISK_POLICY,
      seed: result.input.seed ?? 1,
      venue: {
        maxVolumeShare: result.input.venue?.maxVolumeShare ?? 0.1,
        impactBps: result.input.venue?.impactBps ?? 10,
      },
    },
    warnings: result.warnings,
  };
}

const pct = (x: number | null, digits = 2): string => (x === null ? 'n/a' : `${(x * 100).toFixed(digits)} %`);
const num = (x: number | null, digits = 2): string => (x === null ? 'n/a' : x.toFixed(digits));
const money = (s: string): string => new Decimal(s).toDecimalPlaces(8).toFixed();

/** The terminal summary (without --json). */
export function formatReport(r: BacktestReport): string {
  const m = r.metrics;
  const rows: [string, string][] = [
    [
      'Period',
      `${r.period.from} .. ${r.period.to} (${r.period.days.toFixed(1)} days, ${r.period.candles} candles of ${r.timeframe})`,
    ],
    ['Symbols', r.symbols.join(', ')],
    [
      'Equity',
      `${money(r.startingEquity)} -> ${money(r.endingEquity)} ${r.currency} (net ${money(r.netProfit)})`,
    ],
    ['Total return', pct(m.totalReturn)],
    ['CAGR', pct(m.cagr)],
    ['Sharpe / Sortino / Calmar', `${num(m.sharpe)} / ${num(m.sortino)} / ${num(m.calmar)}`],
    [
      'Max drawdown',
      `${pct(m.maxDrawdown)} over ${m.maxDrawdownDuration} (longest underwater ${m.longestDrawdownDuration})`,
    ],
    [
      'Trades',
      `${m.trades} (${m.wins} won, ${m.losses} lost, win rate ${pct(m.winRate, 1)}, ${m.stopLossExits} stop-losses)`,
    ],
    ['Profit factor', num(m.profitFactor)],
    ['Expectancy', `${num(m.expectancy, 8)} ${r.currency} per trade (ratio ${num(m.expectancyRatio)})`],
    ['Average trade', m.averageTradeDuration ?? 'n/a'],
    ['Exposure', pct(m.exposure, 1)],
    ['Fees paid', `${money(m.feesPaid)} ${r.currency}`],
    [
      'Best / worst trade',
      `${m.bestTrade ? pct(m.bestTrade.return) : 'n/a'} / ${m.worstTrade ? pct(m.worstTrade.return) : 'n/a'}`,
    ],
    [
      'Risk denials',
      Object.entries(r.riskDenials.byCode)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none',
    ],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = [`Backtest of ${r.bot}`, '', ...rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`)];
  lines.push(
    '',
    'Per symbol:',
    ...r.perSymbol.map(
      (s) =>
        `  ${s.symbol.padEnd(12)} ${String(s.trades).padStart(5)} trades  win ${pct(s.winRate, 1).padStart(8)}  pnl ${money(s.pnl)}`,
    ),
  );
  lines.push(
    '',
    'Per strategy:',
    ...r.perStrategy.map(
      (s) =>
        `  ${s.strategy.padEnd(12)} ${String(s.trades).padStart(5)} trades  win ${pct(s.winRate, 1).padStart(8)}  pnl ${money(s.pnl)}`,
    ),
  );
  lines.push('', 'Monthly returns:', ...r.monthlyReturns.map((x) => `  ${x.month}  ${pct(x.return)}`));
  if (r.warnings.length > 0) lines.push('', ...r.warnings.map((w2) => `warning: ${w2}`));
  return lines.join('\n');
}
