// The advisor's place in the executor: just before the kernel steps a candle,
// work out whether the bot is about to act on it (the strategies' signals as
// the kernel will read them, combined as the kernel combines them, against the
// open position), and if so ask the advisor. A "no" that counts makes every
// strategy of the symbol hold on that candle, so the kernel, its risk engine
// and its venue run unchanged. Halt-and-flatten is never reviewed.
import type { TradingBotSpec } from '../../crds/index.ts';
import type { Advisor, DecisionContext, Verdict } from '../ai/advisor/index.ts';
import type { Candle } from '../market-data/candle.ts';
import { type Ensemble, ensembleFor, strategiesFor } from '../strategies/index.ts';
import type { SignalJoin } from './signals.ts';

/** Candles of context sent with each review. */
const CONTEXT_CANDLES = 20;

export interface ReviewedDecision {
  readonly symbol: string;
  readonly t: number;
  readonly action: 'buy' | 'sell';
  readonly verdict: Verdict;
}

/** What the review reads of the executor's state. */
export interface ReviewState {
  /** The open position on the symbol (decimal strings), if any. */
  position(symbol: string): { quantity: string; entryPrice: string; unrealizedPnl: string } | undefined;
  equity(): string;
  riskState(): string;
}

interface SymbolPlan {
  readonly strategies: readonly { name: string; type: string }[];
  readonly ensemble: Ensemble;
  readonly signals: Float64Array;
  readonly recent: Candle[];
}

export class DecisionReview {
  readonly #advisor: Advisor;
  readonly #bot: TradingBotSpec;
  readonly #botName: string;
  readonly #currency: string;
  readonly #plans = new Map<string, SymbolPlan>();

  constructor(advisor: Advisor, bot: TradingBotSpec, botName: string, currency: string) {
    this.#advisor = advisor;
    this.#bot = bot;
    this.#botName = botName;
    this.#currency = currency;
    for (const symbol of bot.symbols) {
      const strategies = strategiesFor(bot, symbol).map(({ spec }) => spec);
      this.#plans.set(symbol, {
        strategies: strategies.map((s) => ({ name: s.name, type: s.type })),
        // Combined as the kernel combines them (one strategy: its signal is the decision).
        ensemble: ensembleFor(bot, symbol),
        signals: new Float64Array(strategies.length),
        recent: [],
      });
    }
  }

  /** Keeps the candle as context for later reviews; call for every candle stepped. */
  observe(symbol: string, candle: Candle): void {
    const recent = this.#plans.get(symbol)?.recent;
    if (!recent) return;
    recent.push(candle);
    if (recent.length > CONTEXT_CANDLES) recent.shift();
  }

  /** Reviews the candle's decision, if the bot is about to act on it; vetoes it in the join when the verdict says so. */
  async review(
    symbol: string,
    candle: Candle,
    join: SignalJoin,
    state: ReviewState,
  ): Promise<ReviewedDecision | undefined> {
    const plan = this.#plans.get(symbol);
    if (!plan || plan.strategies.length === 0 || join.sellAll) return undefined;
    plan.strategies.forEach((s, i) => {
      plan.signals[i] = join.peek(s.name, symbol, candle.t);
    });
    const decision = plan.ensemble.combine(plan.signals);
    const position = state.position(symbol);
    const action = decision > 0 && !position ? 'buy' : decision < 0 && position ? 'sell' : undefined;
    if (!action) return undefined;
    // A bot halted, cooling down or reducing opens nothing whatever the advisor says: spend nothing on it.
    if (action === 'buy' && state.riskState() !== 'Active') return undefined;
    const verdict = await this.#advisor.review(this.#context(symbol, action, plan, position, state));
    if (!verdict.allow) join.veto(symbol, candle.t);
    return { symbol, t: candle.t, action, verdict };
  }

  #context(
    symbol: string,
    action: 'buy' | 'sell',
    plan: SymbolPlan,
    position: ReturnType<ReviewState['position']>,
    state: ReviewState,
  ): DecisionContext {
    const word = (s: number) => (s > 0 ? 'buy' : s < 0 ? 'sell' : 'hold') as 'buy' | 'sell' | 'hold';
    return {
      bot: this.#botName,
      symbol,
      action,
      timeframe: this.#bot.timeframe,
      candles: plan.recent.map((c) => ({
        t: new Date(c.t).toISOString(),
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume: c.volume,
      })),
      signals: plan.strategies.map((s, i) => ({
        strategy: s.name,
        type: s.type,
        signal: word(plan.signals[i]!),
      })),
      ...(position ? { position } : {}),
      equity: state.equity(),
      currency: this.#currency,
      riskState: state.riskState(),
    };
  }
}
