// What every candle source looks like to the runtime: an async stream of
// closed candles for one market. Replay (backtest/paper) and live exchange
// feeds implement the same interface, so the strategy code cannot tell them apart.
import { setTimeout as delay } from 'node:timers/promises';
import type { Candle } from './candle.ts';

export interface CandleEvent {
  readonly symbol: string;
  readonly timeframeMs: number;
  /** A closed candle. */
  readonly candle: Candle;
}

export interface CandleFeed extends AsyncIterable<CandleEvent> {
  /** Stops the feed; a pending iteration ends. */
  close(): void;
}

/** Waits `ms`, or less if the signal aborts (then resolves, never rejects). 0 means "let other work run". */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const realSleep: Sleep = async (ms, signal) => {
  // setTimeout(0) waits about a millisecond; setImmediate only lets pending I/O run.
  if (ms <= 0) return new Promise<void>((resolve) => setImmediate(resolve));
  try {
    await delay(ms, undefined, { signal });
  } catch (e) {
    if ((e as Error).name !== 'AbortError') throw e;
  }
};
