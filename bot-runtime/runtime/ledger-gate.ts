// Test support: a gate in front of a ledger's batch writes. While the gate is
// held the wrapped ledger's recordBatch waits; release lets the waiting batch
// (and every later one) through. Tests use it to hold an executor's writes.
import type { Ledger } from '../store/ledger.ts';

export class LedgerGate {
  #held: Promise<void> | undefined;
  #release = () => {};

  /** From now on, batches wait until release(). */
  hold(): void {
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
  }

  release(): void {
    this.#release();
  }

  /** `ledger` with its recordBatch behind this gate; everything else as it is. */
  readonly wrap = (ledger: Ledger): Ledger =>
    new Proxy(ledger, {
      get: (target, key) => {
        if (key === 'recordBatch')
          return async (batch: Parameters<Ledger['recordBatch']>[0]) => {
            await this.#held;
            return target.recordBatch(batch);
          };
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
}
