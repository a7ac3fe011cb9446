// Strategy workers and the executor's side of their signals. A worker runs
// one strategy of the manifest on the candles of the bus and publishes one
// signal per symbol and candle (0 while warming up) on the durable `signals`
// stream, with id `<strategy>:<symbol>:<open time>`. The executor joins
// candles with the signals of every strategy that trades the symbol and only
// then steps the kernel, whose strategies are RemoteStrategy stand-ins that
// answer with the received signal. So the kernel's ensemble, risk, sizing and
// venue code runs unchanged, whether the strategy ran in this process or in
// its own pod.
import { type Context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Strategy as StrategySpec, TradingBotSpec } from '../../crds/index.ts';
import { LiveProbabilities, type LoadedModel, loadStrategyModel, modelsDir } from '../ai/onnx/index.ts';
import type { Bus, MarketDataMessage, Subscription } from '../bus/bus.ts';
import { messageIds } from '../bus/message-ids.ts';
import { publishDurably } from '../bus/publish-durably.ts';
import type { Candle } from '../market-data/candle.ts';
import { createStrategy, type Signal, type Strategy, strategiesFor } from '../strategies/index.ts';
import { evaluateCandle, publishSignal } from '../telemetry/pipeline.ts';

/** The payload on the `signals` stream. */
export interface SignalMessage {
  readonly strategy: string;
  readonly symbol: string;
  /** Open time of the candle the signal answers. */
  readonly t: number;
  readonly signal: Signal;
  readonly ready: boolean;
}

export interface StrategyWorkerOptions {
  readonly bus: Bus;
  readonly bot: TradingBotSpec;
  /** Name of the strategy in spec.strategies. */
  readonly strategy: string;
  /** Where ONNX models named by a configMapRef are mounted (default: BOTCORE_MODELS_DIR or /etc/botcore-models). */
  readonly modelsDir?: string;
  readonly onError?: (error: unknown) => void;
}

interface DecidedSignal {
  readonly id: string;
  readonly payload: SignalMessage;
  readonly context: Context;
}

/** One strategy of the bot, on every symbol it trades. */
export class StrategyWorker {
  readonly name: string;
  readonly #options: StrategyWorkerOptions;
  readonly #instances = new Map<string, Strategy>();
  /** An ONNX strategy's model answers, per symbol: evaluated before the strategy decides. */
  readonly #models = new Map<string, LiveProbabilities>();
  readonly #spec: StrategySpec;
  readonly #index: number;
  #loaded: LoadedModel | undefined;
  #subscription: Subscription | undefined;
  /** The last publish (or model evaluation and publish) in candle order; it never rejects. */
  #pending: Promise<unknown> = Promise.resolve();
  /** Publishes scheduled and not yet done: none, and the next one may go out at once. */
  #unsettled = 0;

  constructor(options: StrategyWorkerOptions) {
    this.#options = options;
    const index = options.bot.strategies.findIndex((s) => s.name === options.strategy);
    const spec = options.bot.strategies[index];
    if (!spec) throw new Error(`strategy "${options.strategy}" is not in spec.strategies`);
    this.name = spec.name;
    this.#spec = spec;
    this.#index = index;
    for (const symbol of this.#symbols()) {
      const s = createStrategy(spec, index);
      s.onStart();
      this.#instances.set(symbol, s);
    }
  }

  #symbols(): string[] {
    const { bot } = this.#options;
    return bot.symbols.filter((symbol) => !this.#spec.symbols || this.#spec.symbols.includes(symbol));
  }

  /** Loads an ONNX strategy's model (a bad model stops here, naming the field), then follows the candles. */
  async start(): Promise<void> {
    if (this.#spec.type === 'onnx' && !this.#loaded) {
      const loaded = await loadStrategyModel(this.#spec, this.#index, this.#options.modelsDir ?? modelsDir());
      this.#loaded = loaded;
      for (const symbol of this.#symbols()) {
        const live = new LiveProbabilities(loaded.model, loaded.params.inputWindow, loaded.params.features);
        const s = createStrategy(this.#spec, this.#index, { probabilities: live });
        s.onStart();
        this.#models.set(symbol, live);
        this.#instances.set(symbol, s);
      }
    }
    this.#subscription = await this.#options.bus.subscribeMarketData({}, (m, context) =>
      this.onCandle(m, context),
    );
  }

  /** Computes the signal of one closed candle and publishes it (in candle order). */
  onCandle(message: MarketDataMessage, parent: Context = ROOT_CONTEXT): void {
    const s = this.#instances.get(message.symbol);
    if (!s) return;
    const model = this.#models.get(message.symbol);
    if (!model) {
      const signal = this.#decide(s, message, parent);
      this.#inOrder(() => this.#publish(signal));
      return;
    }
    // The model answers asynchronously: it runs in the same chain, so each candle sees the window up to itself.
    const c = message.candle;
    this.#inOrder(() =>
      model
        .evaluate(c.t, c.open, c.high, c.low, c.close, c.volume)
        .then(() => this.#publish(this.#decide(s, message, parent)))
        .catch((e) => this.#options.onError?.(e)),
    );
  }

  /**
   * Runs `work` (which never rejects) after the work scheduled before it, so
   * signals reach the stream in candle order; at once when nothing is still
   * going, which spares the candle a turn of the microtask queue.
   */
  #inOrder(work: () => Promise<unknown>): void {
    const run = () => work().then(this.#settled);
    this.#pending = this.#unsettled++ === 0 ? run() : this.#pending.then(run);
  }

  readonly #settled = (): void => {
    this.#unsettled--;
  };

  /** The strategy's answer to one candle; the evaluation continues the candle's trace. */
  #decide(s: Strategy, message: MarketDataMessage, parent: Context): DecidedSignal {
    const c = message.candle;
    const { result: payload, context } = evaluateCandle(parent, this.name, message, (): SignalMessage => {
      const signal = s.onBar(c.t, c.open, c.high, c.low, c.close, c.volume);
      return { strategy: this.name, symbol: message.symbol, t: c.t, signal, ready: s.ready };
    });
    return { id: messageIds.signal(this.name, message.symbol, c.t), payload, context };
  }

  #publish({ id, payload, context }: DecidedSignal): Promise<unknown> {
    return publishSignal(context, id, (ctx) =>
      publishDurably(this.#options.bus, 'signals', id, payload, { context: ctx }),
    ).catch((e) => this.#options.onError?.(e));
  }

  get ready(): boolean {
    for (const s of this.#instances.values()) if (!s.ready) return false;
    return true;
  }

  async stop(): Promise<void> {
    await this.#subscription?.unsubscribe();
    await this.#pending;
    for (const s of this.#instances.values()) s.onStop();
    await this.#loaded?.model.release();
    this.#loaded = undefined;
  }
}

/** What the executor knows of a strategy: its last signal and readiness. */
export interface StrategyState {
  readonly name: string;
  readonly type: StrategySpec['type'];
  ready: boolean;
  lastSignal: Signal;
  lastSignalTime: number | undefined;
}

/**
 * The kernel's view of a strategy that runs elsewhere: `onBar` answers the
 * signal the worker sent for that candle (the join guarantees it is there).
 */
export class RemoteStrategy implements Strategy {
  readonly name: string;
  readonly type: Strategy['type'];
  readonly warmup: number;
  readonly #symbol: string;
  readonly #join: SignalJoin;
  readonly #state: StrategyState;

  constructor(spec: StrategySpec, index: number, symbol: string, join: SignalJoin, state: StrategyState) {
    // The real strategy is built once to check its parameters and learn its warm-up.
    const local = createStrategy(spec, index);
    this.name = local.name;
    this.type = local.type;
    this.warmup = local.warmup;
    this.#symbol = symbol;
    this.#join = join;
    this.#state = state;
  }

  get ready(): boolean {
    return this.#state.ready;
  }

  onStart(): void {}
  onStop(): void {}

  onBar(t: number): Signal {
    return this.#join.signal(this.name, this.#symbol, t);
  }
}

interface WaitingCandle {
  readonly symbol: string;
  readonly timeframe: string;
  readonly candle: Candle;
}

/** What the join holds of one symbol. */
interface SymbolSignals {
  /** The strategies that trade the symbol. */
  readonly expected: readonly string[];
  /** Per candle open time, the signal of each strategy that has answered it. */
  readonly byCandle: Map<number, Map<string, Signal>>;
  /** The latest candle each strategy answered. */
  readonly latest: Map<string, number>;
}

/**
 * Candles in arrival order, each released once every strategy of its symbol
 * has sent the candle's signal. The head waits for its signals, so the kernel
 * sees candles in the feed's order. Signals are kept per symbol and open time
 * (numbers, not a text key made per look-up: the join is on every candle's way
 * to its step).
 */
export class SignalJoin {
  readonly #symbols = new Map<string, SymbolSignals>();
  readonly #queue: WaitingCandle[] = [];
  readonly states: Map<string, StrategyState>;

  constructor(bot: TradingBotSpec) {
    for (const symbol of bot.symbols) {
      this.#symbol(
        symbol,
        strategiesFor(bot, symbol).map((x) => x.spec.name),
      );
    }
    this.states = new Map(
      bot.strategies.map((s) => [
        s.name,
        { name: s.name, type: s.type, ready: false, lastSignal: 0 as Signal, lastSignalTime: undefined },
      ]),
    );
  }

  #symbol(symbol: string, expected: readonly string[] = []): SymbolSignals {
    let signals = this.#symbols.get(symbol);
    if (!signals) {
      signals = { expected, byCandle: new Map(), latest: new Map() };
      this.#symbols.set(symbol, signals);
    }
    return signals;
  }

  addCandle(message: MarketDataMessage): void {
    this.#queue.push({ symbol: message.symbol, timeframe: message.timeframe, candle: message.candle });
  }

  addSignal(m: SignalMessage): void {
    const { byCandle, latest } = this.#symbol(m.symbol);
    if (m.t > (latest.get(m.strategy) ?? Number.NEGATIVE_INFINITY)) latest.set(m.strategy, m.t);
    let got = byCandle.get(m.t);
    if (!got) {
      got = new Map();
      byCandle.set(m.t, got);
    }
    got.set(m.strategy, m.signal);
    const state = this.states.get(m.strategy);
    if (state) {
      state.ready = m.ready;
      if (m.signal !== 0) {
        state.lastSignal = m.signal;
        state.lastSignalTime = m.t;
      }
    }
  }

  /**
   * The next candle whose signals are all in, or undefined. A strategy that
   * has already answered a later candle of the symbol will never answer this
   * one (its pod restarted and missed it): its signal counts as a hold.
   */
  next(): WaitingCandle | undefined {
    const head = this.#queue[0];
    if (!head) return undefined;
    const signals = this.#symbols.get(head.symbol);
    if (signals) {
      const t = head.candle.t;
      const got = signals.byCandle.get(t);
      for (const name of signals.expected) {
        if (got?.has(name)) continue;
        if ((signals.latest.get(name) ?? Number.NEGATIVE_INFINITY) > t) {
          this.skipped++;
          continue;
        }
        return undefined;
      }
    }
    this.#queue.shift();
    return head;
  }

  /** Signals counted as holds because their strategy skipped the candle. */
  skipped = 0;

  /** While true, buy signals reach the kernel as holds: nothing new opens (a dependency is down). */
  holdBuys = false;

  /** The signal of a released candle; forgotten once read. */
  signal(strategy: string, symbol: string, t: number): Signal {
    const s = this.peek(strategy, symbol, t);
    const byCandle = this.#symbols.get(symbol)?.byCandle;
    const got = byCandle?.get(t);
    got?.delete(strategy);
    if (got?.size === 0) {
      byCandle!.delete(t);
      // Every strategy of the candle has read its hold: the veto is spent.
      if (this.#vetoed?.symbol === symbol && this.#vetoed.t === t) this.#vetoed = undefined;
    }
    return s;
  }

  /** The signal `signal()` would answer, without forgetting it (for a review before the kernel steps). */
  peek(strategy: string, symbol: string, t: number): Signal {
    if (this.sellAll) return -1;
    if (this.#vetoed?.symbol === symbol && this.#vetoed.t === t) return 0;
    const s = this.#symbols.get(symbol)?.byCandle.get(t)?.get(strategy) ?? 0;
    return s > 0 && this.holdBuys ? 0 : s;
  }

  /** Makes every strategy of `symbol` hold on the candle at `t` (the advisor said no). */
  veto(symbol: string, t: number): void {
    this.#vetoed = { symbol, t };
  }

  #vetoed: { readonly symbol: string; readonly t: number } | undefined;

  /** While true, every strategy answers sell: the kernel cancels entries and closes positions (halt-and-flatten). */
  sellAll = false;

  get waiting(): number {
    return this.#queue.length;
  }
}
