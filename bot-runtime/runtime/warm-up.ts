// The executor's fill path, warmed up before its first real candle.
//
// V8 runs a function in its interpreter until it has been called often
// enough, then compiles it in steps (Maglev, then TurboFan). A bot fills a few
// times a day, so without help its matching and booking would run unoptimized
// for weeks: in the latency bench the first thousand fills' p99 was four to
// six times what it is once compiled (docs/benchmarks/runtime.md, "A warm
// fill path"). So at boot
// the executor trades a scratch copy of itself, built by the same function as
// its own kernel (paper-kernel.ts), on a synthetic market for a fraction of a
// second: same classes, same bot, same instruments, so V8 compiles the code
// the real fills will run, with the feedback they will give it.
//
// The scratch kernel shares nothing with the real one: its own join, clock,
// venue and portfolio, no bus, no ledger, no status, no metrics, no traces.
import type { RiskPolicySpec, TradingBotSpec } from '../../crds/index.ts';
import type { Decimal, Instrument } from '../domain/index.ts';
import { CandleClock } from '../kernel/clock.ts';
import type { Candle } from '../market-data/candle.ts';
import { DEFAULT_RISK_POLICY } from '../risk/engine.ts';
import { strategiesFor } from '../strategies/index.ts';
import type { Signal } from '../strategies/types.ts';
import { Prng } from '../venue/paper/prng.ts';
import { type PaperKernel, paperKernel } from './paper-kernel.ts';
import { SignalJoin } from './signals.ts';

/** Candles a warm-up trades by default, over all markets: about 5,000 fills for a bot on one market, 100-320 ms on these machines. */
export const WARM_UP_CANDLES = 20_000;

export interface WarmUpOptions {
  readonly bot: TradingBotSpec;
  readonly policy: RiskPolicySpec | undefined;
  readonly markets: readonly { readonly symbol: string; readonly instrument: Instrument }[];
  readonly timeframeMs: number;
  /** The bot's starting cash (the capital by default). */
  readonly cash: Decimal | undefined;
  /** Candles over all markets (default WARM_UP_CANDLES). */
  readonly candles?: number;
}

export interface WarmUpReport {
  /** Candles stepped, over all markets. */
  readonly candles: number;
  readonly fills: number;
  readonly orders: number;
  /** Wall time taken (ms). */
  readonly ms: number;
}

/** Open time of the synthetic market's first candle (2020-01-01, a whole number of any timeframe). */
const START = Date.UTC(2020, 0, 1);
/** The scripted signal by candle (buy, hold, hold, sell, hold, hold): a round trip every six candles. */
const SCRIPT: readonly Signal[] = [1, 0, 0, -1, 0, 0];
/** Every so many candles the low reaches past the protective stop, so stops trigger too. */
const STOP_EVERY = 37;
/** Every so many candles the volume is thin, so the volume cap fills an order (or a triggered stop) in parts. */
const THIN_EVERY = 23;

/** Trades a scratch copy of the executor's kernel on a synthetic market (warmUpKernel) and says what it did. */
export function warmUpFillPath(o: WarmUpOptions): WarmUpReport {
  const started = performance.now();
  const { kernel, candles } = warmUpKernel(o);
  return { candles, fills: kernel.fillCount, orders: kernel.orderCount, ms: performance.now() - started };
}

/**
 * The warm-up's scratch kernel, after trading a synthetic market: a seeded
 * random walk for each of the bot's markets, every strategy of a symbol
 * answering the same scripted signal. The bot's policy applies, without its
 * drawdown and daily-loss halts and its emergency halt, which would end the
 * trading the warm-up is for.
 */
export function warmUpKernel(o: WarmUpOptions): PaperKernel & { readonly candles: number } {
  const policy: RiskPolicySpec = {
    ...(o.policy ?? DEFAULT_RISK_POLICY),
    maxDrawdownPercent: '100',
    maxDailyLossPercent: '100',
    halt: false,
  };
  delete policy.haltReason;
  const join = new SignalJoin(o.bot);
  const scratch = paperKernel({
    bot: o.bot,
    policy,
    markets: o.markets,
    timeframeMs: o.timeframeMs,
    join,
    clock: new CandleClock(),
    seed: 1,
    cash: o.cash,
  });
  const { kernel, venue } = scratch;
  const cash = Number(o.cash ?? o.bot.capital.amount);
  const stopLossPercent = Number(policy.stopLossPercent);
  const walks = o.markets.map((m, k) => new SyntheticMarket(m.instrument, cash, stopLossPercent, k + 1));
  const strategies = o.markets.map((m) => strategiesFor(o.bot, m.symbol).map((s) => s.spec.name));
  const index = new Map(o.markets.map((m, k) => [m.symbol, k]));
  const n = Math.ceil((o.candles ?? WARM_UP_CANDLES) / o.markets.length);
  kernel.onStart();
  for (let i = 0; i < n; i++) {
    const t = START + i * o.timeframeMs;
    const signal = SCRIPT[i % SCRIPT.length]!;
    for (let k = 0; k < o.markets.length; k++) {
      const symbol = o.markets[k]!.symbol;
      const c = walks[k]!.next(t, i);
      join.addCandle({ symbol, timeframe: o.bot.timeframe, candle: c });
      // As the executor does: working orders fill as the candle arrives, the rest once its signals are in.
      if (join.waiting === 1) kernel.matchEarly(k, t, c.open, c.high, c.low, c.close, c.volume);
      for (const strategy of strategies[k]!) join.addSignal({ strategy, symbol, t, signal, ready: true });
      for (let next = join.next(); next; next = join.next()) {
        const { candle } = next;
        kernel.step(
          index.get(next.symbol)!,
          candle.t,
          candle.open,
          candle.high,
          candle.low,
          candle.close,
          candle.volume,
        );
        venue.takeOrderEvents();
        venue.takeFillEvents();
      }
    }
  }
  kernel.onStop();
  return { ...scratch, candles: n * o.markets.length };
}

/** One market's candles: a seeded random walk around a price the bot's cash buys twenty units of. */
class SyntheticMarket {
  readonly #prng: Prng;
  readonly #units: number;
  readonly #stopDepth: number;
  #close: number;

  constructor(instrument: Instrument, cash: number, stopLossPercent: number, seed: number) {
    this.#prng = new Prng(seed);
    const tick = Number(instrument.tickSize);
    this.#close = Math.max(cash / 20, 10_000 * tick);
    this.#units = cash / this.#close;
    // Past the protective stop of a position bought at the open.
    this.#stopDepth = Math.min(0.9, (2 * stopLossPercent) / 100);
  }

  next(t: number, i: number): Candle {
    const r = this.#prng;
    const open = this.#close;
    const close = round(open * (1 + (r.next() - 0.5) * 0.01));
    const high = round(Math.max(open, close) * (1 + r.next() * 0.002));
    const stop = i % STOP_EVERY === STOP_EVERY - 1;
    const low = stop
      ? round(open * (1 - this.#stopDepth))
      : round(Math.min(open, close) * (1 - r.next() * 0.002));
    const thin = i % THIN_EVERY === THIN_EVERY - 1;
    const volume = round(this.#units * (thin ? 0.2 : 50 + 50 * r.next()));
    this.#close = close;
    return { t, open, high, low, close, volume };
  }
}

/** Eight significant digits, as prices and volumes come from an exchange's text. */
const round = (x: number): number => Number(x.toPrecision(8));
