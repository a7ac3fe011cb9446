// Recovery after a crash or a restart: positions are rebuilt from the
// ledger's fills, then every fill message the executor's durable consumer has
// not acknowledged is applied through the same FillApplier (the ledger drops
// any it already holds), until the consumer has nothing outstanding. Only then
// may the executor trade: until the last fill is in, its positions are not known.
import type { Bus, ConsumerSpec } from '../bus/bus.ts';
import type { Ledger } from '../store/ledger.ts';
import type { FillRecord } from '../store/records.ts';
import { FillApplier, type FillApplierOptions, LEDGER_CONSUMER } from './fill-applier.ts';

export interface RecoverOptions extends FillApplierOptions {
  readonly consumer?: ConsumerSpec;
  /**
   * How long to wait for outstanding fills. A delivery the crashed process held
   * comes back only after the consumer's ack wait, so this must exceed it
   * (default: three ack waits, at least 30 s).
   */
  readonly timeoutMs?: number;
}

export interface RecoveryReport {
  readonly applier: FillApplier;
  /** Fills folded from the ledger. */
  readonly fromLedger: number;
  /** Fill messages from the stream that were new to the ledger. */
  readonly replayed: number;
  /** Fill messages from the stream the ledger already had. */
  readonly duplicates: number;
}

export class RecoveryIncompleteError extends Error {
  override readonly name = 'RecoveryIncompleteError';
}

export async function recover(
  ledger: Ledger,
  bus: Bus,
  options: RecoverOptions = {},
): Promise<RecoveryReport> {
  const consumer = options.consumer ?? LEDGER_CONSUMER;
  const applier = new FillApplier(ledger, options);
  const fills = await ledger.fills();
  applier.load(fills);
  await applier.persistAll();

  let replayed = 0;
  let duplicates = 0;
  const timeoutMs = options.timeoutMs ?? Math.max(30_000, 3 * (consumer.ackWaitMs ?? 30_000));
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    let outstanding: number | undefined;
    try {
      outstanding = await bus.unacknowledged('fills', consumer);
      if (outstanding === 0) break;
      const deliveries = await bus.fetchEvents<FillRecord>(
        'fills',
        consumer,
        consumer.maxAckPending ?? 1,
        1000,
      );
      for (const delivery of deliveries) {
        const result = await applier.apply(delivery.payload);
        if (result === 'applied') replayed++;
        else duplicates++;
        await delivery.ack();
      }
    } catch (error) {
      // A server away (NATS restarting, MongoDB not yet up): try again until the deadline.
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (Date.now() > deadline) {
      const what = outstanding === undefined ? 'fill messages' : `${outstanding} fill messages`;
      const why = lastError === undefined ? '' : ` (last error: ${(lastError as Error).message})`;
      throw new RecoveryIncompleteError(
        `${what} still unacknowledged after ${timeoutMs} ms (consumer ${consumer.name})${why}`,
      );
    }
  }
  return { applier, fromLedger: fills.length, replayed, duplicates };
}
