// Publishes a durable event until the bus confirms it, retrying through an
// outage. Retrying is safe because the message id de-duplicates: a publish
// whose confirmation was lost and is sent again is stored once.
import type { Bus, PublishAck, PublishOptions } from './bus.ts';
import type { EventKind } from './subjects.ts';

export interface PublishDurablyOptions extends PublishOptions {
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly signal?: AbortSignal;
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

export async function publishDurably<T>(
  bus: Bus,
  kind: EventKind,
  id: string,
  payload: T,
  options: PublishDurablyOptions = {},
): Promise<PublishAck> {
  let delay = options.retryDelayMs ?? 100;
  const maxDelay = options.maxRetryDelayMs ?? 2000;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await bus.publishEvent(kind, id, payload, options);
    } catch (error) {
      options.onRetry?.(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}
