// Backtest metrics, one function each, over plain numbers (ratios are not
// money: the money sums of a report are decimals, in report.ts). Conventions,
// explained in docs/backtesting.md: returns are simple; crypto trades every
// day, so a year is 365 daily returns and 365.25 days for CAGR; risk-free rate 0;
// a ratio with a zero denominator is null (JSON has no Infinity).

export const DAY_MS = 86_400_000;
export const YEAR_MS = 365.25 * DAY_MS;

export function totalReturn(start: number, end: number): number {
  return end / start - 1;
}

/** Compound annual growth rate over `ms` milliseconds. */
export function cagr(start: number, end: number, ms: number): number | null {
  if (!(start > 0) || !(ms > 0)) return null;
  if (end <= 0) return -1;
  return (end / start) ** (YEAR_MS / ms) - 1;
}

/**
 * Daily simple returns from an equity curve: the last equity of each UTC day
 * against the one before (the first day against `startEquity`). Days with no
 * point (a hole in the data) carry the previous equity, i.e. a zero return.
 */
export function dailyReturns(
  times: ArrayLike<number>,
  equity: ArrayLike<number>,
  startEquity: number,
): number[] {
  const out: number[] = [];
  if (times.length === 0) return out;
  let day = Math.floor((times[0]! - 1) / DAY_MS);
  let prev = startEquity;
  let last = startEquity;
  for (let i = 0; i < times.length; i++) {
    // A point stamped exactly 00:00 is the close of the day before.
    const d = Math.floor((times[i]! - 1) / DAY_MS);
    while (d > day) {
      out.push(last / prev - 1);
      prev = last;
      day++;
    }
    last = equity[i]!;
  }
  out.push(last / prev - 1);
  return out;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Annualised Sharpe ratio: mean / sample standard deviation * sqrt(periods per year). */
export function sharpe(returns: readonly number[], periodsPerYear = 365): number | null {
  if (returns.length < 2) return null;
  const m = mean(returns);
  let ss = 0;
  for (const r of returns) ss += (r - m) ** 2;
  const sd = Math.sqrt(ss / (returns.length - 1));
  if (!(sd > 0)) return null;
  return (m / sd) * Math.sqrt(periodsPerYear);
}

/** Annualised Sortino ratio: mean / downside deviation (root mean square of the negative returns over all periods). */
export function sortino(returns: readonly number[], periodsPerYear = 365): number | null {
  if (returns.length < 2) return null;
  const m = mean(returns);
  let ss = 0;
  for (const r of returns) if (r < 0) ss += r * r;
  const dd = Math.sqrt(ss / returns.length);
  if (!(dd > 0)) return null;
  return (m / dd) * Math.sqrt(periodsPerYear);
}

export interface Drawdown {
  /** Largest peak-to-trough fall, as a ratio of the peak (0.2 is 20 %). */
  readonly maxDrawdown: number;
  readonly peakTime: number | null;
  readonly troughTime: number | null;
  /** When equity first got back to the peak; null if it never did. */
  readonly recoveryTime: number | null;
  /** Duration of that drawdown: peak to recovery, or to the end when it did not recover. */
  readonly durationMs: number;
  /** The longest time spent below a previous peak, whichever drawdown it was. */
  readonly longestDurationMs: number;
}

export function drawdown(times: ArrayLike<number>, equity: ArrayLike<number>): Drawdown {
  const n = times.length;
  let peak = Number.NEGATIVE_INFINITY;
  let peakT = Number.NaN;
  let max = 0;
  let maxPeakT: number | null = null;
  let maxTroughT: number | null = null;
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    const t = times[i]!;
    if (e >= peak) {
      if (peak > Number.NEGATIVE_INFINITY && t - peakT > longest && i > 0 && equity[i - 1]! < peak)
        longest = t - peakT;
      peak = e;
      peakT = t;
      continue;
    }
    const dd = (peak - e) / peak;
    if (dd > max) {
      max = dd;
      maxPeakT = peakT;
      maxTroughT = t;
    }
  }
  const end = n > 0 ? times[n - 1]! : 0;
  if (n > 0 && equity[n - 1]! < peak && end - peakT > longest) longest = end - peakT;
  let recovery: number | null = null;
  if (maxPeakT !== null) {
    let peakValue = Number.NaN;
    for (let i = 0; i < n; i++) {
      if (times[i] === maxPeakT) peakValue = equity[i]!;
      if (times[i]! > maxTroughT! && equity[i]! >= peakValue) {
        recovery = times[i]!;
        break;
      }
    }
  }
  return {
    maxDrawdown: max,
    peakTime: maxPeakT,
    troughTime: maxTroughT,
    recoveryTime: recovery,
    durationMs: maxPeakT === null ? 0 : (recovery ?? end) - maxPeakT,
    longestDurationMs: longest,
  };
}

/** Calmar ratio: CAGR / maximum drawdown. */
export function calmar(cagrValue: number | null, maxDrawdown: number): number | null {
  if (cagrValue === null || !(maxDrawdown > 0)) return null;
  return cagrValue / maxDrawdown;
}

/** Gross profit / gross loss of the trades; null without a losing trade. */
export function profitFactor(pnls: readonly number[]): number | null {
  let win = 0;
  let loss = 0;
  for (const p of pnls) {
    if (p > 0) win += p;
    else loss -= p;
  }
  return loss > 0 ? win / loss : null;
}

/** Share of trades with a positive net PnL. */
export function winRate(pnls: readonly number[]): number | null {
  if (pnls.length === 0) return null;
  return pnls.filter((p) => p > 0).length / pnls.length;
}

/** Expectancy: the average net PnL of a trade, in the quote currency. */
export function expectancy(pnls: readonly number[]): number | null {
  return pnls.length === 0 ? null : mean(pnls);
}

/** Expectancy ratio: (1 + average win / average loss) * win rate - 1 (freqtrade's). */
export function expectancyRatio(pnls: readonly number[]): number | null {
  const wins = pnls.filter((p) => p > 0);
  const losses = pnls.filter((p) => p < 0);
  if (wins.length === 0 && losses.length === 0) return null;
  if (losses.length === 0) return null;
  const avgWin = wins.length ? mean(wins) : 0;
  const avgLoss = -mean(losses);
  return (1 + avgWin / avgLoss) * (wins.length / pnls.length) - 1;
}

/** Average time from entry to exit. */
export function averageDuration(trades: readonly { entryTime: number; exitTime: number }[]): number | null {
  if (trades.length === 0) return null;
  return mean(trades.map((t) => t.exitTime - t.entryTime));
}

/** Share of [start, end] during which at least one position was open (intervals merged across symbols). */
export function exposure(intervals: readonly [number, number][], start: number, end: number): number {
  if (!(end > start)) return 0;
  const sorted = intervals
    .map(([a, b]) => [Math.max(a, start), Math.min(b, end)] as [number, number])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let curA = Number.NaN;
  let curB = Number.NaN;
  for (const [a, b] of sorted) {
    if (Number.isNaN(curA) || a > curB) {
      if (!Number.isNaN(curA)) covered += curB - curA;
      curA = a;
      curB = b;
    } else if (b > curB) curB = b;
  }
  if (!Number.isNaN(curA)) covered += curB - curA;
  return covered / (end - start);
}

/** Return of each calendar month (UTC) of the curve: last equity of the month against the one before. */
export function monthlyReturns(
  times: ArrayLike<number>,
  equity: ArrayLike<number>,
  startEquity: number,
): { month: string; return: number }[] {
  const out: { month: string; return: number }[] = [];
  let prev = startEquity;
  let month = '';
  let last = startEquity;
  for (let i = 0; i < times.length; i++) {
    const m = new Date(times[i]! - 1).toISOString().slice(0, 7);
    if (m !== month) {
      if (month) {
        out.push({ month, return: last / prev - 1 });
        prev = last;
      }
      month = m;
    }
    last = equity[i]!;
  }
  if (month) out.push({ month, return: last / prev - 1 });
  return out;
}
