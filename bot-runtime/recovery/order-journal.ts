// Orders into the ledger and onto the `orders` stream: the order record once,
// then each event once, by its place in the order's history. Both writes are
// idempotent, so `record` may be called again with the same order after any
// failure. `OrderJournal.load` rebuilds every order from the ledger with the
// domain's own `replayOrder`, the executor's starting point after a restart.
import type { Bus } from '../bus/bus.ts';
import { messageIds } from '../bus/message-ids.ts';
import { isOpen, type Order, replayOrder } from '../domain/index.ts';
import type { Ledger } from '../store/ledger.ts';
import {
  type OrderEventRecord,
  type OrderRecord,
  orderEventFromRecord,
  orderEventToRecord,
  orderFromRecord,
  orderToRecord,
} from '../store/records.ts';

/** What the `orders` stream carries. */
export type OrderMessage =
  | { readonly type: 'order'; readonly order: OrderRecord }
  | { readonly type: 'event'; readonly event: OrderEventRecord };

/** The `orders` stream's messages for records the ledger has taken, each with its message id, orders first. */
export function orderMessages(
  orders: readonly OrderRecord[],
  events: readonly OrderEventRecord[],
): [id: string, message: OrderMessage][] {
  return [
    ...orders.map((order): [string, OrderMessage] => [
      messageIds.order(order.orderId),
      { type: 'order', order },
    ]),
    ...events.map((event): [string, OrderMessage] => [event.eventId, { type: 'event', event }]),
  ];
}

export interface OrderJournalOptions {
  /** Quote currency of a symbol (for fills inside `OrderFilled` events). */
  readonly quoteOf: (symbol: string) => string;
  /** Publishes each new record on the `orders` stream too. */
  readonly bus?: Bus;
}

export class OrderJournal {
  readonly #ledger: Ledger;
  readonly #options: OrderJournalOptions;
  /** Events recorded per order; absent until the order record is written. */
  readonly #recorded = new Map<string, number>();

  constructor(ledger: Ledger, options: OrderJournalOptions) {
    this.#ledger = ledger;
    this.#options = options;
  }

  /** Every order in the ledger, replayed from its events, and a journal that continues from them. */
  static async load(
    ledger: Ledger,
    options: OrderJournalOptions,
  ): Promise<{ journal: OrderJournal; orders: Map<string, Order> }> {
    const journal = new OrderJournal(ledger, options);
    const orders = new Map<string, Order>();
    for (const record of await ledger.orders()) {
      const events = await ledger.orderEvents(record.orderId);
      // Events are written in order; one missing in the middle means the rest waits for a retry.
      let contiguous = 0;
      while (contiguous < events.length && events[contiguous]!.index === contiguous) contiguous++;
      const order = replayOrder(
        orderFromRecord(record),
        events.slice(0, contiguous).map(orderEventFromRecord),
      );
      orders.set(order.id, order);
      journal.#recorded.set(order.id, contiguous);
    }
    return { journal, orders };
  }

  /** Writes whatever of the order is not yet recorded. */
  async record(order: Order): Promise<void> {
    let done = this.#recorded.get(order.id);
    if (done === undefined) {
      const record = orderToRecord(order);
      await this.#ledger.recordOrder(record);
      await this.#publish(messageIds.order(order.id), { type: 'order', order: record });
      done = 0;
      this.#recorded.set(order.id, done);
    }
    const quote = this.#options.quoteOf(order.symbol);
    for (let index = done; index < order.events.length; index++) {
      const event = orderEventToRecord(order.id, index, order.events[index]!, quote);
      await this.#ledger.recordOrderEvent(event);
      await this.#publish(event.eventId, { type: 'event', event });
      this.#recorded.set(order.id, index + 1);
    }
  }

  async #publish(id: string, message: OrderMessage): Promise<void> {
    await this.#options.bus?.publishEvent('orders', id, message);
  }

  /** Ids of orders whose last recorded status is still open at the venue. */
  static openOrders(orders: ReadonlyMap<string, Order>): Order[] {
    return [...orders.values()].filter((o) => isOpen(o.status));
  }
}
