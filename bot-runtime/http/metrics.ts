// The bot's Prometheus metrics, on a registry the process owns. Figures the
// status source already knows (equity, PnL, positions, risk state, dependency
// health, readiness) are read from it at scrape time; events only the
// executor sees (orders, fills, risk denials, event-to-fill latency) are
// recorded through the methods below. Trades are counted from the source's
// stream, so every trade the API shows is counted exactly once.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BotRef, BotStatusSource, RiskState, Unsubscribe } from './status-source.ts';

export const METRIC_NAMES = {
  equity: 'botcore_equity',
  pnlToday: 'botcore_pnl_today',
  pnlTotal: 'botcore_pnl_total',
  openPositions: 'botcore_open_positions',
  trades: 'botcore_trades_total',
  orders: 'botcore_orders_total',
  fills: 'botcore_fills_total',
  riskState: 'botcore_risk_state',
  denials: 'botcore_risk_denials_total',
  eventToFill: 'botcore_event_to_fill_seconds',
  dependencyUp: 'botcore_dependency_up',
  ready: 'botcore_ready',
  streamSubscribers: 'botcore_status_stream_subscribers',
  tokenRefusals: 'botcore_status_token_refusals_total',
} as const;

const RISK_STATES: readonly RiskState[] = ['Active', 'Reducing', 'CoolingDown', 'Halted'];

/** From 10 µs (an in-process paper fill) to 10 s (a slow exchange). */
export const EVENT_TO_FILL_BUCKETS = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
  0.5, 1, 2.5, 10,
];

export type TokenRefusal = 'missing' | 'invalid' | 'expired' | 'forbidden';

export interface TradingMetrics {
  recordOrder(order: { type: string; side: 'buy' | 'sell' }): void;
  recordFill(fill: { liquidity: 'maker' | 'taker' }): void;
  /** A risk denial code, e.g. `DAILY_LOSS_LIMIT` (bot-runtime/risk/denial.ts). */
  recordDenial(code: string): void;
  /** Seconds from the market event (the candle) to the fill it caused. */
  observeEventToFill(seconds: number): void;
  recordTokenRefusal(reason: TokenRefusal): void;
  /** Tells the subscriber gauge where to look (the stream registers itself). */
  setStreamSubscribers(count: () => number): void;
  /** Stops counting trades from the source. */
  close(): void;
}

export function createTradingMetrics(
  registry: Registry,
  bot: BotRef,
  source: BotStatusSource,
): TradingMetrics {
  const base = { namespace: bot.namespace, bot: bot.name };
  const registers = [registry];
  let subscribers: () => number = () => 0;

  new Gauge({
    name: METRIC_NAMES.equity,
    help: 'Equity: cash plus the marked value of open positions, in the currency label.',
    labelNames: ['namespace', 'bot', 'currency'],
    registers,
    async collect() {
      const s = await source.status();
      this.reset();
      this.set({ ...base, currency: s.currency }, Number(s.equity));
    },
  });
  new Gauge({
    name: METRIC_NAMES.pnlToday,
    help: 'Profit and loss since 00:00 UTC, in the currency label.',
    labelNames: ['namespace', 'bot', 'currency'],
    registers,
    async collect() {
      const s = await source.status();
      this.reset();
      this.set({ ...base, currency: s.currency }, Number(s.pnlToday));
    },
  });
  new Gauge({
    name: METRIC_NAMES.pnlTotal,
    help: 'Profit and loss since the bot started, in the currency label.',
    labelNames: ['namespace', 'bot', 'currency'],
    registers,
    async collect() {
      const s = await source.status();
      this.reset();
      this.set({ ...base, currency: s.currency }, Number(s.pnlTotal));
    },
  });
  new Gauge({
    name: METRIC_NAMES.openPositions,
    help: 'Open positions.',
    labelNames: ['namespace', 'bot'],
    registers,
    async collect() {
      this.set(base, (await source.status()).openPositions);
    },
  });
  new Gauge({
    name: METRIC_NAMES.riskState,
    help: 'Risk state: 1 for the state in force, 0 for the others.',
    labelNames: ['namespace', 'bot', 'state'],
    registers,
    async collect() {
      const state = (await source.status()).risk.state;
      for (const s of RISK_STATES) this.set({ ...base, state: s }, s === state ? 1 : 0);
    },
  });
  new Gauge({
    name: METRIC_NAMES.dependencyUp,
    help: 'Whether a dependency (NATS, MongoDB, Redis, the exchange, market data) answers: 1 or 0.',
    labelNames: ['namespace', 'bot', 'dependency', 'required'],
    registers,
    async collect() {
      const h = await source.health();
      this.reset();
      for (const d of h.dependencies) {
        this.set({ ...base, dependency: d.name, required: String(d.required) }, d.ok ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: METRIC_NAMES.ready,
    help: 'Whether the bot is ready: 1 or 0 (what /readyz answers).',
    labelNames: ['namespace', 'bot'],
    registers,
    async collect() {
      const h = await source.health();
      this.set(base, h.ready && h.dependencies.every((d) => d.ok || !d.required) ? 1 : 0);
    },
  });
  new Gauge({
    name: METRIC_NAMES.streamSubscribers,
    help: 'WebSocket clients subscribed to /api/v1/stream.',
    labelNames: ['namespace', 'bot'],
    registers,
    collect() {
      this.set(base, subscribers());
    },
  });

  const trades = new Counter({
    name: METRIC_NAMES.trades,
    help: 'Trades (our fills) the bot made, by symbol and side.',
    labelNames: ['namespace', 'bot', 'symbol', 'side'],
    registers,
  });
  const orders = new Counter({
    name: METRIC_NAMES.orders,
    help: 'Orders submitted, by type and side.',
    labelNames: ['namespace', 'bot', 'type', 'side'],
    registers,
  });
  const fills = new Counter({
    name: METRIC_NAMES.fills,
    help: 'Fills received, by liquidity.',
    labelNames: ['namespace', 'bot', 'liquidity'],
    registers,
  });
  const denials = new Counter({
    name: METRIC_NAMES.denials,
    help: 'Orders the risk engine denied, by code (e.g. DAILY_LOSS_LIMIT).',
    labelNames: ['namespace', 'bot', 'code'],
    registers,
  });
  const eventToFill = new Histogram({
    name: METRIC_NAMES.eventToFill,
    help: 'Seconds from the market event to the fill it caused.',
    labelNames: ['namespace', 'bot'],
    buckets: EVENT_TO_FILL_BUCKETS,
    registers,
  });
  const refusals = new Counter({
    name: METRIC_NAMES.tokenRefusals,
    help: 'Requests the status endpoint refused for their token, by reason.',
    labelNames: ['namespace', 'bot', 'reason'],
    registers,
  });

  const unsubscribe: Unsubscribe = source.subscribe((e) => {
    if (e.type === 'trade') trades.inc({ ...base, symbol: e.trade.symbol, side: e.trade.side });
  });

  return {
    recordOrder: (o) => orders.inc({ ...base, type: o.type, side: o.side }),
    recordFill: (f) => fills.inc({ ...base, liquidity: f.liquidity }),
    recordDenial: (code) => denials.inc({ ...base, code }),
    observeEventToFill: (seconds) => eventToFill.observe(base, seconds),
    recordTokenRefusal: (reason) => refusals.inc({ ...base, reason }),
    setStreamSubscribers: (count) => {
      subscribers = count;
    },
    close: unsubscribe,
  };
}
