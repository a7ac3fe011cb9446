// Test support: a gate in front of a ledger's batch writes. While the gate is
// held the wrapped ledger's recordBatch waits; release lets the waiting batch
// (and every later one) through. Tests use it to hold an executor's writes,
// and beforeBatches to see each batch the executor writes.
import type { Ledger, LedgerBatch } from '../store/ledger.ts';

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
  readonly wrap = (ledger: Ledger): Ledger => beforeBatches(ledger, () => this.#held);
}

/** `ledger` calling `before` with each batch (and waiting for it) before recording it; everything else as it is. */
export function beforeBatches(ledger: Ledger, before: (batch: LedgerBatch) => unknown): Ledger {
  return new Proxy(ledger, {
    get: (target, key) => {
      if (key === 'recordBatch')
        return async (batch: LedgerBatch) => {
          await before(batch);
          return target.recordBatch(batch);
        };
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
