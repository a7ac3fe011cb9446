// What the NATS bus opens once per key (a durable consumer, its standing pull)
// and shares between callers while the open is in flight. A failed open is
// forgotten so the next caller tries again, but only while it is still the one
// held: after `forget` and a newer open under the same key, the old open's
// failure must not drop the newer one, or two would be opened and one leaked.

export class OpenedOnce<T> {
  readonly #opened = new Map<string, Promise<T>>();

  /** The open under `key`, started with `open` when there is none. */
  get(key: string, open: () => Promise<T>): Promise<T> {
    const held = this.#opened.get(key);
    if (held) return held;
    const opening = open();
    this.#opened.set(key, opening);
    opening.catch(() => {
      if (this.#opened.get(key) === opening) this.#opened.delete(key);
    });
    return opening;
  }

  /** Drops what is held under `key`; the next `get` opens anew. */
  forget(key: string): void {
    this.#opened.delete(key);
  }

  /** Everything held now, opened or still opening. */
  values(): IterableIterator<Promise<T>> {
    return this.#opened.values();
  }
}
