// The operator's side of NATS: halt-and-flatten requests to executors, risk
// policy pushes, and the runtime reports it folds into status. Behind an
// interface so controllers are unit-tested without a server.
import { connect, type NatsConnection } from 'nats';
import type { Logger } from './runtime/index.ts';

export interface RuntimeBus {
  /** Request/reply; rejects on timeout, on no responders, or when not connected. */
  request(subject: string, payload: unknown, timeoutMs: number): Promise<unknown>;
  /** Fire and forget. */
  publish(subject: string, payload: unknown): void;
  /** Calls `handler` with each message's subject and parsed JSON body (invalid JSON is dropped). */
  subscribe(subject: string, handler: (subject: string, body: unknown) => void): void;
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Connects in the background and keeps reconnecting: the operator runs (and reconciles) without NATS. */
export async function connectBus(url: string, logger: Logger): Promise<RuntimeBus> {
  const log = logger.child({ component: 'nats' });
  const connection: Promise<NatsConnection> = connect({
    servers: url,
    name: 'botcore-operator',
    waitOnFirstConnect: true,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
  });
  let nc: NatsConnection | undefined;
  const pending: Array<(c: NatsConnection) => void> = [];
  connection.then(
    (c) => {
      nc = c;
      log.info({ server: c.getServer() }, 'connected to NATS');
      for (const run of pending.splice(0)) run(c);
      void (async () => {
        for await (const status of c.status()) log.info({ type: status.type }, 'NATS connection status');
      })();
    },
    (error: unknown) => log.error({ err: error }, 'NATS connection failed'),
  );
  const whenConnected = (run: (c: NatsConnection) => void): void => {
    if (nc !== undefined) run(nc);
    else pending.push(run);
  };
  return {
    async request(subject, payload, timeoutMs) {
      if (nc === undefined) throw new Error('not connected to NATS');
      const reply = await nc.request(subject, encoder.encode(JSON.stringify(payload)), {
        timeout: timeoutMs,
      });
      return JSON.parse(decoder.decode(reply.data)) as unknown;
    },
    publish(subject, payload) {
      whenConnected((c) => c.publish(subject, encoder.encode(JSON.stringify(payload))));
    },
    subscribe(subject, handler) {
      whenConnected((c) => {
        const sub = c.subscribe(subject);
        void (async () => {
          for await (const message of sub) {
            let body: unknown;
            try {
              body = JSON.parse(decoder.decode(message.data));
            } catch {
              log.warn({ subject: message.subject }, 'dropped a message that is not JSON');
              continue;
            }
            handler(message.subject, body);
          }
        })();
      });
    },
    async close() {
      if (nc !== undefined) await nc.drain().catch(() => nc?.close());
    },
  };
}

/** A bus that is never connected: requests fail, publishes vanish (no NATS URL given). */
export const disconnectedBus: RuntimeBus = {
  request: async () => {
    throw new Error('no NATS URL configured');
  },
  publish: () => {},
  subscribe: () => {},
  close: async () => {},
};
