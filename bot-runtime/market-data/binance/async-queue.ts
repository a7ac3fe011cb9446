// A minimal unbounded async queue: producers push from event handlers, one
// consumer awaits `next()`. Used to turn WebSocket callbacks into a loop.

export class AsyncQueue<T> {
  readonly #items: T[] = [];
  #waiter: ((v: T) => void) | undefined;

  push(item: T): void {
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w(item);
    } else {
      this.#items.push(item);
    }
  }

  next(): Promise<T> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift()!);
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }
}
