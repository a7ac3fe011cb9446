// GET /api/v1/stream: a WebSocket that sends `hello` (the bot and its status)
// and then every change the source publishes. The source is subscribed to
// once, whatever the number of clients; each update is serialized once (by
// the same schemas as the JSON API, so no field outside them can leak) and
// framed once, and the updates of one turn of the event loop (a fill brings a
// trade, positions, status and equity together) go out as one write of the
// same prepared bytes to every client's socket: no per-client framing, one
// system call per client, those calls shared between the event loop and
// writer threads when there are many clients (socket-fan-out.ts). A client
// that cannot keep up (more than `maxBufferedBytes` waiting) is dropped rather
// than slowing the others; a client whose token expires is closed; dead peers
// are found by ping.
import type { Socket } from 'node:net';
import { type Span, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import build from 'fast-json-stringify';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';
import { StreamFullError } from './errors.ts';
import type { TradingMetrics } from './metrics.ts';
import { ErrorResponse } from './schemas/common.ts';
import {
  STREAM_PROTOCOL,
  StreamEquity,
  StreamHello,
  StreamPositions,
  StreamStatus,
  StreamTrade,
} from './schemas/stream.ts';
import { SocketFanOut } from './socket-fan-out.ts';
import type { BotStatusSource, StatusEvent } from './status-source.ts';
import { startBroadcastSpan } from './tracing.ts';
import { textFrame } from './websocket-frame.ts';

export const STREAM_PATH = '/api/v1/stream';

/** WebSocket.OPEN, without loading `ws` as a value here. */
const OPEN = 1;

/** Close codes the stream uses (4000-4999 are the application's). */
export const StreamCloseCode = {
  TOKEN_EXPIRED: 4401,
  TOO_SLOW: 4408,
  SHUTTING_DOWN: 1001,
} as const;

export interface StreamPluginOptions {
  readonly source: BotStatusSource;
  readonly metrics: TradingMetrics;
  readonly tracer: Tracer;
  readonly maxSubscribers: number;
  readonly maxBufferedBytes: number;
  readonly heartbeatMs: number;
  /** Threads that share the fan-out's socket writes with the event loop (socket-fan-out.ts). */
  readonly writerThreads: number;
  readonly clockToleranceMs: number;
  readonly now: () => number;
}

interface Client {
  readonly socket: WebSocket;
  /** The TCP socket under it: prepared frames are written here directly. */
  readonly raw: Socket;
  alive: boolean;
  expiry: NodeJS.Timeout | undefined;
  /** Batches published while its hello was being prepared: they go out after it, in order. */
  waiting: Buffer[] | undefined;
  waitingBytes: number;
}

const serializers = {
  hello: build(StreamHello),
  status: build(StreamStatus),
  positions: build(StreamPositions),
  trade: build(StreamTrade),
  equity: build(StreamEquity),
};

function serialize(event: StatusEvent): string {
  switch (event.type) {
    case 'status':
      return serializers.status(event);
    case 'positions':
      return serializers.positions(event);
    case 'trade':
      return serializers.trade(event);
    case 'equity':
      return serializers.equity(event);
  }
}

async function streamPlugin(app: FastifyInstance, options: StreamPluginOptions): Promise<void> {
  const { source, metrics, tracer } = options;
  const clients = new Set<Client>();
  metrics.setStreamSubscribers(() => clients.size);
  const fanOut = new SocketFanOut({
    writerThreads: options.writerThreads,
    maxSockets: options.maxSubscribers,
  });

  const drop = (client: Client, code: number, reason: string): void => {
    clients.delete(client);
    if (client.expiry) clearTimeout(client.expiry);
    client.socket.close(code, reason);
    // A peer that never answers the close handshake is cut after a while.
    setTimeout(() => client.socket.terminate(), 5000).unref();
  };

  // Frames waiting for the end of this turn of the event loop, and the spans of their updates.
  let frames: Buffer[] = [];
  let spans: Span[] = [];
  let flushing: NodeJS.Immediate | undefined;

  const flush = (): void => {
    flushing = undefined;
    const batch = frames.length === 1 ? frames[0]! : Buffer.concat(frames);
    const ended = spans;
    frames = [];
    spans = [];
    let slow = 0;
    const sockets: Socket[] = [];
    for (const client of clients) {
      if (client.raw.writableLength + client.waitingBytes > options.maxBufferedBytes) {
        slow++;
        drop(client, StreamCloseCode.TOO_SLOW, 'too slow');
        continue;
      }
      // Closing (a close frame sent) or gone: nothing more may follow.
      if (client.socket.readyState !== OPEN || client.raw.destroyed) continue;
      if (client.waiting) {
        client.waiting.push(batch);
        client.waitingBytes += batch.length;
      } else sockets.push(client.raw);
    }
    fanOut.write(batch, sockets);
    for (const span of ended) {
      span.setAttribute('botcore.stream.subscribers', clients.size);
      if (slow > 0) span.setAttribute('botcore.stream.dropped', slow);
      span.end();
    }
  };

  const unsubscribe = source.subscribe((event) => {
    if (clients.size === 0) return;
    const span = startBroadcastSpan(tracer, event.type, event.trace);
    let frame: Buffer;
    try {
      frame = textFrame(Buffer.from(serialize(event)));
    } catch (err) {
      // An update that does not fit its schema is the source's bug: say so, send nothing half-formed.
      app.log.error({ err, event: event.type }, 'stream update does not fit its schema');
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      return;
    }
    frames.push(frame);
    spans.push(span);
    flushing ??= setImmediate(flush);
  });

  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        clients.delete(client);
        if (client.expiry) clearTimeout(client.expiry);
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();

  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    unsubscribe();
    if (flushing) clearImmediate(flushing);
    for (const span of spans) span.end();
    await fanOut.close();
  });
  // Before the server stops accepting: tell every client, so they reconnect elsewhere.
  app.addHook('preClose', async () => {
    for (const client of clients) drop(client, StreamCloseCode.SHUTTING_DOWN, 'shutting down');
  });

  app.route({
    method: 'GET',
    url: STREAM_PATH,
    config: { tokenInSubprotocol: true },
    schema: {
      description: 'A WebSocket of live updates (hello, status, positions, trade, equity messages).',
      response: {
        400: ErrorResponse,
        401: ErrorResponse,
        403: ErrorResponse,
        429: ErrorResponse,
        503: ErrorResponse,
      },
    },
    preHandler: async () => {
      if (clients.size >= options.maxSubscribers) throw new StreamFullError();
    },
    // A plain GET (no upgrade) is answered with an error that says what to do.
    handler: async (_request, reply) => {
      reply.code(400);
      return {
        statusCode: 400,
        code: 'BOTCORE_HTTP_BAD_REQUEST',
        error: 'Bad Request',
        message: 'open /api/v1/stream as a WebSocket',
      };
    },
    wsHandler: async (socket, request) => {
      const client: Client = {
        socket,
        raw: request.raw.socket,
        alive: true,
        expiry: undefined,
        waiting: [],
        waitingBytes: 0,
      };
      socket.on('pong', () => {
        client.alive = true;
      });
      socket.on('close', () => {
        clients.delete(client);
        if (client.expiry) clearTimeout(client.expiry);
      });
      socket.on('error', () => {
        clients.delete(client);
      });
      // Clients only listen; anything they send is ignored.
      const trader = request.trader;
      if (trader && trader.exp < Number.MAX_SAFE_INTEGER) {
        const left = trader.exp * 1000 + options.clockToleranceMs - options.now();
        client.expiry = setTimeout(() => drop(client, StreamCloseCode.TOKEN_EXPIRED, 'token expired'), left);
        client.expiry.unref();
      }
      clients.add(client);
      fanOut.expect(clients.size);
      try {
        const status = await source.status();
        socket.send(serializers.hello({ type: 'hello', bot: source.bot, status }));
        // Behind the hello in Node's queue, so a source that answers late cannot put an update first.
        for (const batch of client.waiting ?? []) client.raw.write(batch);
        client.waiting = undefined;
        client.waitingBytes = 0;
      } catch (err) {
        request.log.error({ err }, 'stream hello failed');
        drop(client, 1011, 'internal error');
      }
    },
  });
}

/** The `ws` server option that picks our subprotocol (the token one is never echoed back). */
export function selectProtocol(protocols: Set<string>): string | false {
  return protocols.has(STREAM_PROTOCOL) ? STREAM_PROTOCOL : false;
}

export default fp(streamPlugin, {
  name: 'botcore-status-stream',
  fastify: '5.x',
  dependencies: ['@fastify/websocket', 'botcore-status-auth'],
});
