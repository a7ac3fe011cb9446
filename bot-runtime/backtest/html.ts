// The HTML report: one self-contained file (no script, no CDN, no fonts to
// fetch) with the equity curve and the drawdown drawn as inline SVG that this
// module generates, and the report's tables. Inline SVG keeps the file
// deterministic (the same run gives the same bytes), viewable offline and in
// a CI artifact, and adds no dependency (docs/backtesting.md says more).
import type { BacktestReport } from './report.ts';

const esc = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const pct = (x: number | null | undefined, d = 2): string =>
  x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(d)} %`;
const num = (x: number | null | undefined, d = 2): string =>
  x === null || x === undefined ? 'n/a' : x.toFixed(d);

interface ChartOptions {
  readonly width: number;
  readonly height: number;
  readonly color: string;
  readonly fill?: boolean;
  readonly format: (v: number) => string;
  readonly invert?: boolean;
}

/** A line (or area) chart of [t, v] points as an SVG element, with min/max labels and date ticks. */
export function svgChart(points: readonly [number, number][], title: string, o: ChartOptions): string {
  const { width: W, height: H } = o;
  const padL = 70;
  const padR = 10;
  const padT = 24;
  const padB = 24;
  if (points.length === 0)
    return `<svg width="${W}" height="${H}" role="img"><title>${esc(title)}</title></svg>`;
  const t0 = points[0]![0];
  const t1 = points.at(-1)![0];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const [, v] of points) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (o.fill) lo = Math.min(lo, 0);
  if (hi === lo) {
    hi += 1;
    lo -= o.fill ? 0 : 1;
  }
  const x = (t: number) => padL + ((t - t0) / Math.max(1, t1 - t0)) * (W - padL - padR);
  const y = (v: number) =>
    o.invert
      ? padT + ((v - lo) / (hi - lo)) * (H - padT - padB)
      : H - padB - ((v - lo) / (hi - lo)) * (H - padT - padB);
  const path = points.map(([t, v], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const base = o.invert ? y(lo) : y(Math.max(lo, 0));
  const area = o.fill
    ? `<path d="${path}L${x(t1).toFixed(1)},${base.toFixed(1)}L${x(t0).toFixed(1)},${base.toFixed(1)}Z" fill="${o.color}" fill-opacity="0.25"/>`
    : '';
  const ticks: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const t = t0 + ((t1 - t0) * i) / 4;
    ticks.push(
      `<text x="${x(t).toFixed(1)}" y="${H - 6}" font-size="10" text-anchor="${i === 0 ? 'start' : i === 4 ? 'end' : 'middle'}">${new Date(t).toISOString().slice(0, 10)}</text>`,
    );
  }
  const top = o.invert ? lo : hi;
  const bottom = o.invert ? hi : lo;
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">
<title>${esc(title)}</title>
<rect x="${padL}" y="${padT}" width="${W - padL - padR}" height="${H - padT - padB}" fill="#fafafa" stroke="#ddd"/>
<text x="${padL}" y="14" font-size="12" font-weight="bold">${esc(title)}</text>
<text x="${padL - 4}" y="${padT + 10}" font-size="10" text-anchor="end">${esc(o.format(top))}</text>
<text x="${padL - 4}" y="${H - padB}" font-size="10" text-anchor="end">${esc(o.format(bottom))}</text>
${ticks.join('')}
${area}<path d="${path}" fill="none" stroke="${o.color}" stroke-width="1.2"/>
</svg>`;
}

function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function renderHtml(r: BacktestReport): string {
  const m = r.metrics;
  const equity = svgChart(
    r.equityCurve.map(([t, e]) => [t, e]),
    `Equity (${r.currency})`,
    { width: 960, height: 260, color: '#1f6feb', format: (v) => v.toPrecision(6) },
  );
  const dd = svgChart(
    r.equityCurve.map(([t, , d]) => [t, d]),
    'Drawdown',
    { width: 960, height: 160, color: '#d1242f', fill: true, invert: true, format: (v) => pct(v, 1) },
  );
  const summary: [string, string][] = [
    [
      'Period',
      `${r.period.from} .. ${r.period.to} (${r.period.days.toFixed(1)} days, ${r.period.candles} candles of ${r.timeframe})`,
    ],
    ['Symbols', r.symbols.join(', ')],
    ['Starting / ending equity', `${r.startingEquity} / ${r.endingEquity} ${r.currency}`],
    ['Net profit', `${r.netProfit} ${r.currency}`],
    ['Total return', pct(m.totalReturn)],
    ['CAGR', pct(m.cagr)],
    ['Sharpe', num(m.sharpe)],
    ['Sortino', num(m.sortino)],
    ['Calmar', num(m.calmar)],
    [
      'Max drawdown',
      `${pct(m.maxDrawdown)} (${m.maxDrawdownPeak ?? '-'} to ${m.maxDrawdownTrough ?? '-'}, ${m.maxDrawdownDuration})`,
    ],
    ['Longest drawdown', m.longestDrawdownDuration],
    ['Trades', `${m.trades} (${m.wins} won, ${m.losses} lost)`],
    ['Win rate', pct(m.winRate, 1)],
    ['Profit factor', num(m.profitFactor)],
    ['Expectancy', `${num(m.expectancy, 8)} ${r.currency} (ratio ${num(m.expectancyRatio)})`],
    ['Average trade duration', m.averageTradeDuration ?? 'n/a'],
    ['Exposure', pct(m.exposure, 1)],
    ['Fees paid', `${m.feesPaid} ${r.currency}`],
    ['Best trade', m.bestTrade ? `${pct(m.bestTrade.return)} (${m.bestTrade.symbol})` : 'n/a'],
    ['Worst trade', m.worstTrade ? `${pct(m.worstTrade.return)} (${m.worstTrade.symbol})` : 'n/a'],
    ['Stop-loss exits', String(m.stopLossExits)],
    ['Orders / fills', `${m.ordersSubmitted} / ${m.fills}`],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Backtest: ${esc(r.bot)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.warn{color:#9a6700}
</style></head><body>
<h1>Backtest: ${esc(r.bot)}</h1>
${r.warnings.map((w) => `<p class="warn">warning: ${esc(w)}</p>`).join('\n')}
${equity}
${dd}
<h2>Summary</h2>
${table(['Metric', 'Value'], summary)}
<h2>Per symbol</h2>
${table(
  ['Symbol', 'Trades', 'Win rate', `PnL (${r.currency})`, 'Fees', 'Avg return'],
  r.perSymbol.map((s) => [s.symbol, s.trades, pct(s.winRate, 1), s.pnl, s.fees, pct(s.averageReturn)]),
)}
<h2>Per strategy</h2>
${table(
  ['Strategy', 'Type', 'Trades', 'Win rate', `PnL (${r.currency})`, 'Avg return'],
  r.perStrategy.map((s) => [s.strategy, s.type, s.trades, pct(s.winRate, 1), s.pnl, pct(s.averageReturn)]),
)}
<h2>Monthly returns</h2>
${table(
  ['Month', 'Return'],
  r.monthlyReturns.map((x) => [x.month, pct(x.return)]),
)}
<h2>Risk denials (${r.riskDenials.total})</h2>
${table(['Code', 'Count'], Object.entries(r.riskDenials.byCode))}
${table(
  ['Time', 'Symbol', 'Side', 'Denial'],
  r.riskDenials.list.map((d) => [d.time, d.symbol, d.side, d.message]),
)}
<h2>Trades (${r.trades.length})</h2>
${table(
  [
    'Symbol',
    'Entry',
    'Exit',
    'Qty',
    'Entry price',
    'Exit price',
    'PnL',
    'Return',
    'Fees',
    'Exit',
    'Strategies',
  ],
  r.trades.map((t) => [
    t.symbol,
    t.entryTime,
    t.exitTime,
    t.quantity,
    t.entryPrice,
    t.exitPrice,
    t.pnl,
    pct(t.return),
    t.fees,
    t.exitReason,
    t.strategies.join(' '),
  ]),
)}
<h2>Open positions at the end</h2>
${table(
  ['Symbol', 'Qty', 'Entry price', 'Mark', 'Unrealised PnL'],
  r.openTrades.map((o) => [o.symbol, o.quantity, o.entryPrice, o.mark, o.unrealizedPnl]),
)}
<h2>Settings</h2>
<pre>${esc(JSON.stringify(r.settings, null, 2))}</pre>
</body></html>
`;
}
