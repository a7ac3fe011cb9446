// Adding a bot's JetStream stream when every role may be adding it at the same
// moment: whoever comes second brings the existing stream's limits up to date
// instead of failing, and a stream of another name holding the subjects stays
// an error (it would take our messages).
import { NatsError, type StreamConfig } from 'nats';

// JetStream API error codes (nats-server's errors.json).
const STREAM_NAME_IN_USE = 10058;
const STREAM_SUBJECT_OVERLAP = 10065;

/** The part of nats.js's `JetStreamManager.streams` this needs. */
export interface StreamAdmin {
  add(config: Partial<StreamConfig>): Promise<unknown>;
  update(name: string, config: Partial<StreamConfig>): Promise<unknown>;
  info(name: string): Promise<unknown>;
}

/** The JetStream API error code a failed request carries, if any. */
export function apiErrorCode(error: unknown): number | undefined {
  if (error instanceof NatsError) return error.api_error?.err_code;
  return undefined;
}

/** Adds the stream, or updates it when it is already there (made by another role, or an older config). */
export async function addOrUpdateStream(
  streams: StreamAdmin,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  try {
    await streams.add(config);
  } catch (error) {
    const code = apiErrorCode(error);
    // Two roles adding the same stream at once: the server may answer the second with a subject
    // overlap (with the stream the first is making) rather than name-in-use. Only when a stream of
    // our name now holds the subjects is it ours.
    const ours =
      code === STREAM_NAME_IN_USE ||
      (code === STREAM_SUBJECT_OVERLAP &&
        (await streams.info(config.name).then(
          () => true,
          () => false,
        )));
    if (!ours) throw error;
    await streams.update(config.name, config);
  }
}
