// Latest prices into the hot state: candles arrive far more often than anyone
// reads a price, so the writer keeps the newest price per symbol and writes
// them all in one pipeline every `flushMs`. A failed write keeps the prices
// for the next round (newer ones replace them); Redis being away never blocks
// the market-data path, and only the first failed write of an outage is
// reported (not one every `flushMs`).
import type { Bus, Subscription } from '../bus/bus.ts';
import { dec } from '../domain/index.ts';
import type { HotState, PriceRecord } from './hot-state.ts';

export interface PriceWriterOptions {
  readonly flushMs?: number;
  /** The first failed write of a run of them (a write that succeeds ends the run). */
  readonly onError?: (error: unknown) => void;
}

/** A price waiting to be written: a decimal string, or a candle's close made one when written. */
interface Waiting {
  readonly symbol: string;
  readonly price: string | number;
  readonly ts: number;
}

export class PriceWriter {
  readonly #hot: HotState;
  readonly #flushMs: number;
  readonly #onError: (error: unknown) => void;
  #pending = new Map<string, Waiting>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #failing = false;

  constructor(hot: HotState, options: PriceWriterOptions = {}) {
    this.#hot = hot;
    this.#flushMs = options.flushMs ?? 250;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Keeps the price if it is not older than the one waiting for the symbol. */
  offer(record: PriceRecord | Waiting): void {
    const waiting = this.#pending.get(record.symbol);
    if (waiting && waiting.ts > record.ts) return;
    this.#pending.set(record.symbol, record);
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Writes what is waiting; resolves when done (failures go to onError and stay pending). */
  flush(): Promise<void> {
    this.#flushing ??= this.#write().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    try {
      await this.#hot.setPrices(
        [...batch.values()].map(({ symbol, price, ts }) => ({
          symbol,
          price: typeof price === 'string' ? price : dec(price).toFixed(),
          ts,
        })),
      );
      this.#failing = false;
    } catch (error) {
      for (const record of batch.values()) {
        const newer = this.#pending.get(record.symbol);
        if (!newer || newer.ts < record.ts) this.#pending.set(record.symbol, record);
      }
      if (!this.#failing) this.#onError(error);
      this.#failing = true;
    }
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      void this.flush();
    }, this.#flushMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  /**
   * Offers the close of every candle of the bot (`symbol` as the feed names
   * it); its decimal string is made when written, not on the candle's path.
   */
  async follow(bus: Bus): Promise<Subscription> {
    return bus.subscribeMarketData({}, (message) => {
      this.offer({ symbol: message.symbol, price: message.candle.close, ts: message.candle.t });
    });
  }
}
