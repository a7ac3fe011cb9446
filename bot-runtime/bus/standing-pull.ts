// A durable consumer's standing pull: one long-lived pull request that the
// server fills the moment a message is there (within maxAckPending), refilled
// by the client as it empties. The fetch before it made a fresh pull per
// message (`consumer.next()`: a new inbox subscription, a pull request,
// heartbeat timers, then their teardown): with the standing pull the bench
// (BENCH_LATENCY_HOPS=1) saw the executor's main-thread CPU per candle go from
// 1408 to 1213 µs and a delivery reach the step in 12 instead of 80 µs at p50
// (docs/benchmarks/runtime.md).
//
// It lives while its consumer loop keeps taking from it: one that nobody has
// taken from for `idleMs` is closed and the messages it holds are nak-ed, so
// a loop that stopped does not sit on deliveries that another client of the
// same durable consumer could take.
//
// When the server says the consumer or its stream is gone (deleted, or a
// JetStream that lost its state), nats.js would keep pulling from nothing in
// silence; the pull stops instead and every later take throws
// ConsumerGoneError, so its owner reports it and makes them again.
import { type Consumer, ConsumerEvents, type ConsumerMessages, type JsMsg } from 'nats';

/** The server no longer has the consumer (or its stream): this pull is over, and the consumer must be made again. */
export class ConsumerGoneError extends Error {
  constructor(consumer: string, what: string) {
    super(`JetStream consumer ${consumer} is gone (${what})`);
    this.name = 'ConsumerGoneError';
  }
}

const GONE: ReadonlySet<string> = new Set([
  ConsumerEvents.ConsumerDeleted,
  ConsumerEvents.ConsumerNotFound,
  ConsumerEvents.StreamNotFound,
]);

export interface StandingPullOptions {
  /** What errors call the consumer: its stream and durable name. */
  readonly name: string;
  /** Messages the pull asks for at once (never more than the consumer's maxAckPending is useful). */
  readonly maxMessages: number;
  /** Closes the pull after this long without a `take` (default 2 s). */
  readonly idleMs?: number;
}

/** How long the server keeps one pull request open before the client renews it. */
const PULL_EXPIRES_MS = 30_000;
/**
 * How long a take waits for the rest of what the server said was waiting:
 * it is already sent in the same pull and only needs a later socket read,
 * so this bound is met only when the consumer's ack limit held the rest back.
 */
const REST_WAIT_MS = 20;

export class StandingPull {
  readonly #consumer: Consumer;
  readonly #options: StandingPullOptions;
  readonly #buffer: JsMsg[] = [];
  readonly #waiters = new Set<() => void>();
  #messages: ConsumerMessages | undefined;
  #opening: Promise<void> | undefined;
  #failure: unknown;
  #gone: ConsumerGoneError | undefined;
  #idle: ReturnType<typeof setTimeout> | undefined;

  constructor(consumer: Consumer, options: StandingPullOptions) {
    this.#consumer = consumer;
    this.#options = options;
  }

  /** Up to `max` messages in delivery order, waiting up to `waitMs` for the first. */
  async take(max: number, waitMs: number): Promise<JsMsg[]> {
    clearTimeout(this.#idle);
    try {
      if (this.#gone && this.#buffer.length === 0) throw this.#gone;
      await this.#open();
      if (this.#buffer.length === 0 && waitMs > 0) await this.#arrival(waitMs);
      if (this.#buffer.length === 0 && this.#gone) throw this.#gone;
      if (this.#buffer.length === 0 && this.#failure !== undefined) throw this.#failure;
      await this.#rest(max);
      return this.#buffer.splice(0, max);
    } finally {
      // Takes can overlap: only the last one's timer may stand.
      clearTimeout(this.#idle);
      this.#idle = setTimeout(() => void this.close(), this.#options.idleMs ?? 2000);
      this.#idle.unref();
    }
  }

  /**
   * What the server said was still waiting when it sent the last message
   * (its `pending`), up to `max` and to what one pull asks for: a fetch
   * returns what is already stored, not only what the first socket read
   * brought. A lone message (nothing pending) is handed over at once.
   */
  async #rest(max: number): Promise<void> {
    const limit = Math.min(max, this.#options.maxMessages);
    while (this.#buffer.length > 0 && this.#buffer.length < limit && !this.#gone) {
      if (this.#buffer.at(-1)!.info.pending === 0) return;
      const before = this.#buffer.length;
      await this.#arrival(REST_WAIT_MS);
      if (this.#buffer.length === before) return;
    }
  }

  #open(): Promise<void> | undefined {
    if (this.#messages || this.#gone) return undefined;
    // Overlapping takes share one opening: a second consume() would be a pull nobody closes.
    this.#opening ??= this.#start().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #start(): Promise<void> {
    this.#failure = undefined;
    const messages = await this.#consumer.consume({
      max_messages: this.#options.maxMessages,
      expires: PULL_EXPIRES_MS,
      callback: (m) => {
        this.#buffer.push(m);
        this.#wake();
      },
    });
    this.#messages = messages;
    void this.#watch(messages);
    void messages.closed().then(
      (error) => this.#ended(messages, error ?? undefined),
      (error: unknown) => this.#ended(messages, error),
    );
  }

  /** Stops the pull for good when the server says its consumer or stream is gone. */
  async #watch(messages: ConsumerMessages): Promise<void> {
    for await (const status of await messages.status()) {
      if (!GONE.has(status.type)) continue;
      if (this.#messages !== messages) return;
      this.#gone = new ConsumerGoneError(this.#options.name, `${status.type}: ${String(status.data)}`);
      await this.close();
      return;
    }
  }

  /** The pull stopped (closed by us, or the consumer or stream went away): the next take opens another. */
  #ended(messages: ConsumerMessages, error: unknown): void {
    if (this.#messages !== messages) return;
    this.#messages = undefined;
    if (error !== undefined) this.#failure = error;
    this.#wake();
  }

  #arrival(waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.#waiters.add(done);
    });
  }

  #wake(): void {
    for (const done of [...this.#waiters]) done();
  }

  /** Stops the pull; what it holds is nak-ed, so the server hands it out again at once. */
  async close(): Promise<void> {
    clearTimeout(this.#idle);
    const messages = this.#messages;
    this.#messages = undefined;
    this.#wake();
    await messages?.close().catch(() => undefined);
    for (const m of this.#buffer.splice(0)) m.nak();
  }
}
