// The kernel's time. In a backtest and a replay the clock is the candles'
// (each closed candle moves it to its close time); live, it is the wall clock.
// Nothing else in the kernel reads time, so a strategy cannot tell them apart.
export interface Clock {
  now(): number;
  /** Event time of the candle just closed; the candle clock follows it, the live clock ignores it. */
  advance(t: number): void;
}

export class CandleClock implements Clock {
  #t = 0;
  now(): number {
    return this.#t;
  }
  advance(t: number): void {
    if (t > this.#t) this.#t = t;
  }
}

export class LiveClock implements Clock {
  now(): number {
    return Date.now();
  }
  advance(_t: number): void {}
}
