// The one way the tests wait for something the system does in its own time.

export interface PollOptions {
  /** How long to keep trying (default 30 s). */
  readonly timeoutMs?: number;
  /** The pause between tries (default 50 ms). */
  readonly intervalMs?: number;
}

/**
 * Polls `check` until it returns a value other than undefined or false, and
 * returns that value. A throw counts as "not yet" and is kept: on timeout the
 * error names `what` (which may be computed then) and the last throw.
 */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string | (() => string),
  options: PollOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const subject = typeof what === 'function' ? what() : what;
      const cause = lastError === undefined ? '' : `: ${String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${subject}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
