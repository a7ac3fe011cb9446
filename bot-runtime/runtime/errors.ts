/** `botcore run` cannot start as asked (no market data, a bad --data argument); the message says why. */
export class StandaloneError extends Error {
  override readonly name = 'StandaloneError';
}
