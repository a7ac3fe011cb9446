// A consumer loop over any Bus: fetch, hand each delivery to the handler, ack
// when it returns, nak when it throws. Failures of the bus itself (a server
// away) are retried after a pause, so a consumer resumes by itself.
//
// The loop does not wait for an ack's confirmation before it asks for the
// next delivery: the ack goes out first on the same connection, so the server
// has it before the next pull (a consumer with maxAckPending 1 still gets
// message n+1 only after n is acked), and a round trip per message is saved.
// A failed confirmation is reported; the redelivery it may cause is absorbed
// by the handler's idempotence, as before.
import type { Bus, ConsumerSpec, Delivery, Subscription } from './bus.ts';
import type { EventKind } from './subjects.ts';

export interface ConsumeOptions {
  /** Deliveries per fetch (never more than the consumer's maxAckPending are outstanding). */
  readonly batch?: number;
  readonly waitMs?: number;
  /** Pause after a failed fetch, and redelivery delay after a failed handler. */
  readonly retryDelayMs?: number;
  readonly onError?: (error: unknown, delivery?: Delivery) => void;
}

export interface RunningConsumer extends Subscription {
  /** Resolves when the loop has stopped after `unsubscribe`. */
  readonly stopped: Promise<void>;
}

export function consumeEvents<T>(
  bus: Bus,
  kind: EventKind,
  spec: ConsumerSpec,
  handler: (delivery: Delivery<T>) => Promise<void>,
  options: ConsumeOptions = {},
): RunningConsumer {
  const batch = options.batch ?? 1;
  const waitMs = options.waitMs ?? 1000;
  const retryDelayMs = options.retryDelayMs ?? 250;
  const onError = options.onError ?? (() => undefined);
  let running = true;
  const acking = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const loop = async (): Promise<void> => {
    while (running) {
      let deliveries: Delivery<T>[];
      try {
        deliveries = await bus.fetchEvents<T>(kind, spec, batch, waitMs);
      } catch (error) {
        if (!running) break;
        onError(error);
        await pause(retryDelayMs);
        continue;
      }
      for (let i = 0; i < deliveries.length; i++) {
        const delivery = deliveries[i]!;
        try {
          await handler(delivery);
        } catch (error) {
          onError(error, delivery);
          // Keep the stream order: this one and every later one of the batch come again.
          for (const d of deliveries.slice(i)) d.nak(retryDelayMs);
          break;
        }
        // The handler ran; a lost ack's redelivery is absorbed by the handler's idempotence.
        const ack = delivery
          .ack()
          .catch((error: unknown) => onError(error, delivery))
          .finally(() => acking.delete(ack));
        acking.add(ack);
      }
    }
    await Promise.all([...acking]);
  };
  const stopped = loop();
  return {
    stopped,
    unsubscribe: async () => {
      running = false;
      wake?.();
      await stopped;
    },
  };
}
