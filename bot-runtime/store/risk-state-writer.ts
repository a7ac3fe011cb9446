// The risk state into the hot state when it changes. The executor offers it
// after every step, with the risk engine's version; only a version not yet
// written makes a write, and a write reads the state as it is then (the
// latest wins). A failed write is tried again at the next offer; the first
// failure of a run of them is reported, so an outage makes one error, not
// one per candle.
import type { HotState, RiskStateRecord } from './hot-state.ts';

export interface RiskStateWriterOptions {
  readonly onError?: (error: unknown) => void;
}

export class RiskStateWriter {
  readonly #hot: HotState;
  readonly #onError: (error: unknown) => void;
  /** The version offered last, how to read its record, and the version last written (NaN: none). */
  #version = Number.NaN;
  #read: (() => RiskStateRecord) | undefined;
  #written = Number.NaN;
  #writing: Promise<void> | undefined;
  #failing = false;

  constructor(hot: HotState, options: RiskStateWriterOptions = {}) {
    this.#hot = hot;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** The risk engine's state at `version`; written unless that version is the one written last. */
  offer(version: number, read: () => RiskStateRecord): void {
    if (version === this.#written && this.#writing === undefined) return;
    this.#version = version;
    this.#read = read;
    this.#writing ??= this.#write().finally(() => {
      this.#writing = undefined;
    });
  }

  /** Resolves once the write in flight (if any) is done. */
  async flush(): Promise<void> {
    await this.#writing;
  }

  async #write(): Promise<void> {
    while (this.#version !== this.#written) {
      const version = this.#version;
      try {
        await this.#hot.setRiskState(this.#read!());
      } catch (error) {
        if (!this.#failing) this.#onError(error);
        this.#failing = true;
        return;
      }
      this.#written = version;
      this.#failing = false;
    }
  }
}
