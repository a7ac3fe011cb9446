// buildStatusServer: the bot's status endpoint as a fastify app (not yet
// listening). The pieces, in the order a request meets them:
//   security headers and a tracing span (every request)
//   rate limit per client address (@fastify/rate-limit; not the probes)
//   authentication and scoping (auth plugin; not the public routes)
//   schema validation, the route, schema serialization
// Errors come out of one handler in the catalogue's shape; a 5xx never
// shows its internals. CORS exists only when origins are configured.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import cors from '@fastify/cors';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
  type RawServerDefault,
} from 'fastify';
import { type DestinationStream, pino } from 'pino';
import { Registry } from 'prom-client';
import { apiRoutes } from './api-routes.ts';
import authPlugin from './auth-plugin.ts';
import type { StatusServerConfig } from './config.ts';
import { HttpErrorCode, InternalError, NotFoundError, RateLimitedError, reasonPhrase } from './errors.ts';
import { healthRoutes } from './health-routes.ts';
import { loadVerificationKeys, type VerificationKey } from './keys.ts';
import { createTradingMetrics, type TradingMetrics } from './metrics.ts';
import { metricsRoute } from './metrics-route.ts';
import { pageRoutes } from './page-routes.ts';
import { scrubbedError } from './redact.ts';
import type { BotStatusSource } from './status-source.ts';
import streamPlugin, { StreamCloseCode, selectProtocol } from './stream-plugin.ts';
import { TokenVerifier } from './token-verifier.ts';
import { endRequestSpan, startRequestSpan, statusTracer } from './tracing.ts';

export interface StatusServerOptions {
  /** Validated configuration (parseStatusServerConfig / loadStatusServerConfig). */
  readonly config: StatusServerConfig;
  readonly source: BotStatusSource;
  /** The process's Prometheus registry; a fresh one when absent. */
  readonly registry?: Registry;
  /** A pino logger; one at `config.logLevel` writing to stdout when absent. */
  readonly logger?: FastifyBaseLogger;
  /** Verification keys already loaded; otherwise read from `config.auth.publicKeys`. */
  readonly keys?: readonly VerificationKey[];
  /** Where `auth.publicKeys.env` is read from. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Epoch ms, for token expiry. */
  readonly now?: () => number;
  /** The page's folder; beside this module by default. */
  readonly pageDir?: string;
}

export type StatusApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface StatusServer {
  readonly app: StatusApp;
  /** Where the executor records orders, fills, denials and latency. */
  readonly metrics: TradingMetrics;
  readonly registry: Registry;
  /** Starts listening on config.host:config.port; resolves to the address (`http://host:port`). */
  listen(): Promise<string>;
  /** Closes the stream's clients, stops listening and releases the source subscription. */
  close(): Promise<void>;
}

/** Paths whose values the logger never writes, whatever a log call passes. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["sec-websocket-protocol"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["sec-websocket-protocol"]',
  'authorization',
  'token',
  '*.token',
];

/** The endpoint's logger: JSON lines, with the redactions above; to stdout unless told otherwise. */
export function statusLogger(level: string, destination?: DestinationStream): FastifyBaseLogger {
  const options = {
    level,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    serializers: { err: scrubbedError },
  };
  return destination ? pino(options, destination) : pino(options);
}

export async function buildStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const { config, source } = options;
  const now = options.now ?? Date.now;
  const registry = options.registry ?? new Registry();
  const tracer = statusTracer();
  const bot = { namespace: config.bot.namespace, name: config.bot.name };
  if (source.bot.namespace !== bot.namespace || source.bot.name !== bot.name) {
    throw new Error(
      `the status source serves ${source.bot.namespace}/${source.bot.name}, the configuration ${bot.namespace}/${bot.name}`,
    );
  }

  let verifier: TokenVerifier | undefined;
  const auth = config.auth;
  if (auth.mode === 'jwt') {
    const keys = options.keys ?? loadVerificationKeys(auth.publicKeys ?? {}, options.env ?? process.env);
    verifier = new TokenVerifier({
      keys,
      audience: auth.audience ?? '',
      issuers: auth.issuers ?? [],
      algorithms: auth.algorithms,
      clockToleranceSeconds: auth.clockToleranceSeconds,
      maxTokenLifetimeSeconds: auth.maxTokenLifetimeSeconds,
      cacheSize: auth.cacheSize,
      now,
    });
  }

  const app = Fastify({
    // A child of the process's logger, so the redactions hold whoever made the parent.
    loggerInstance: (options.logger ?? statusLogger(config.logLevel)).child(
      { component: 'status-endpoint' },
      { redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' }, serializers: { err: scrubbedError } },
    ),
    // Requests are not logged one by one (a page polls, Prometheus scrapes); refusals and failures are.
    logController: new LogController({ disableRequestLogging: true }),
    // The client address is the one the nearest `trustProxyHops` proxies (sidecar, gateway) report.
    trustProxy: (_address: string, hop: number) => hop < config.trustProxyHops,
    // Our own request ids: a client-chosen id in our logs could forge lines.
    requestIdHeader: false,
    bodyLimit: 4096,
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const metrics = createTradingMetrics(registry, bot, source);

  // Every route declares what it answers, errors included; a route that does not is a bug found at start.
  app.addHook('onRoute', (route) => {
    if (route.method === 'OPTIONS') return; // the CORS plugin's preflight, not ours
    const websocket = route.websocket === true || typeof route.wsHandler === 'function';
    const missing = missingResponseSchemas(route.schema?.response, websocket);
    if (missing.length > 0) {
      throw new Error(
        `route ${route.method} ${route.url} declares no response schema for ${missing.join(', ')}`,
      );
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (typeof error.code === 'string' && error.code.startsWith('BOTCORE_HTTP_') && status < 500) {
      return reply.code(status).send(body(status, error.code, error.message));
    }
    if (error.code === HttpErrorCode.STREAM_FULL) {
      return reply.code(503).send(body(503, error.code, error.message));
    }
    if (status >= 500) {
      // The client learns that it failed; the log learns why.
      request.log.error({ err: error, route: request.routeOptions.url }, 'request failed');
      const internal = new InternalError();
      return reply.code(500).send(body(500, internal.code, internal.message));
    }
    const code =
      status === 404
        ? HttpErrorCode.NOT_FOUND
        : status === 429
          ? HttpErrorCode.RATE_LIMITED
          : HttpErrorCode.BAD_REQUEST;
    return reply.code(status).send(body(status, code, error.message));
  });

  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    startRequestSpan(tracer, request);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    endRequestSpan(request, reply);
    done();
  });

  await app.register(rateLimit, {
    global: true,
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.windowSeconds * 1000,
    // An IPv4 address is its own key; an IPv6 one is masked to its /64 (one host, many addresses).
    keyGenerator: (request) => (request.ip.includes(':') ? normalizeIP(request.ip, 64) : request.ip),
    errorResponseBuilder: (_request, context) => new RateLimitedError(context.after),
    // The quota headers only on a 429 (with Retry-After): answers under the limit stay small.
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
  });
  await app.register(websocket, {
    options: { handleProtocols: selectProtocol, maxPayload: 4096 },
    // On shutdown, say so (1001 "going away") so that clients reconnect to another pod.
    preClose(done) {
      for (const client of this.websocketServer.clients) {
        client.close(StreamCloseCode.SHUTTING_DOWN, 'shutting down');
      }
      this.websocketServer.close();
      done();
    },
  });
  if (config.cors.origins.length > 0) {
    await app.register(cors, {
      origin: config.cors.origins,
      methods: ['GET'],
      allowedHeaders: ['Authorization'],
      maxAge: 600,
    });
  }
  await app.register(authPlugin, { bot, verifier, metrics });

  app.setNotFoundHandler({ preHandler: app.rateLimit() }, async (request, reply) => {
    const err = new NotFoundError(request.method, request.url.split('?')[0] ?? '/');
    return reply.code(404).send(body(404, err.code, err.message));
  });

  await app.register(healthRoutes, { source });
  await app.register(metricsRoute, { registry, public: config.metrics.public });
  await app.register(apiRoutes, { source });
  if (config.page.enabled) await app.register(pageRoutes, options.pageDir ? { dir: options.pageDir } : {});
  await app.register(streamPlugin, {
    source,
    metrics,
    tracer,
    maxSubscribers: config.stream.maxSubscribers,
    maxBufferedBytes: config.stream.maxBufferedBytes,
    heartbeatMs: config.stream.heartbeatSeconds * 1000,
    writerThreads: config.stream.writerThreads ?? Math.max(0, availableParallelism() - 1),
    clockToleranceMs: auth.clockToleranceSeconds * 1000,
    now,
  });
  app.addHook('onClose', async () => metrics.close());
  await app.ready();

  return {
    app,
    metrics,
    registry,
    listen: () => app.listen({ host: config.host, port: config.port }),
    close: () => app.close(),
  };
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function body(statusCode: number, code: string, message: string) {
  return { statusCode, code, error: reasonPhrase(statusCode), message };
}

/** Which answers a route's response schemas leave out: a success (but for a WebSocket) and some 4xx. */
export function missingResponseSchemas(response: unknown, websocket: boolean): string[] {
  const codes = Object.keys((response as Record<string, unknown> | undefined) ?? {});
  const missing: string[] = [];
  if (!websocket && !codes.some((c) => c.startsWith('2'))) missing.push('2xx');
  if (!codes.some((c) => c.startsWith('4'))) missing.push('4xx');
  return missing;
}
