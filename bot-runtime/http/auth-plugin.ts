// Authentication and scoping for every route. A route is public only when it
// says so (`config: { auth: 'public' }`); all others, unknown paths included,
// need a bearer token that verifies and whose `bots` claim covers this bot.
// A token is read from `Authorization: Bearer <token>`; the stream route also
// takes it from the WebSocket subprotocol `bearer.<token>`, since browsers
// cannot set headers on a WebSocket. Never from the query string: URLs end up
// in logs, proxies and browser history.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, TokenExpiredError, TokenInvalidError, TokenMissingError } from './errors.ts';
import type { TradingMetrics } from './metrics.ts';
import { BEARER_PROTOCOL_PREFIX } from './schemas/stream.ts';
import { botKey, scopesCoverBot } from './scopes.ts';
import type { BotRef } from './status-source.ts';
import { TokenError, type TokenVerifier, type TraderClaims } from './token-verifier.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `public`: no token needed. Anything else (the default): a token scoped to the bot. */
    auth?: 'public' | 'token';
    /** The route also reads the token from the WebSocket subprotocol. */
    tokenInSubprotocol?: boolean;
  }
  interface FastifyRequest {
    /** The verified caller; null on public routes. */
    trader: TraderClaims | null;
  }
}

export interface AuthPluginOptions {
  readonly bot: BotRef;
  /** Absent: `auth.mode: none` (loopback only), every caller is the anonymous trader. */
  readonly verifier: TokenVerifier | undefined;
  readonly metrics: TradingMetrics;
}

const ANONYMOUS: TraderClaims = { sub: 'anonymous', bots: [], exp: Number.MAX_SAFE_INTEGER, iss: 'none' };
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;
const REALM = 'Bearer realm="botcore-status"';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) return BEARER.exec(header)?.[1];
  if (request.routeOptions.config.tokenInSubprotocol) {
    const offered = request.headers['sec-websocket-protocol'];
    if (offered !== undefined) {
      for (const p of offered.split(',')) {
        const t = p.trim();
        if (t.startsWith(BEARER_PROTOCOL_PREFIX)) return t.slice(BEARER_PROTOCOL_PREFIX.length);
      }
    }
  }
  return undefined;
}

async function authPlugin(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const { bot, verifier, metrics } = options;
  const scope = botKey(bot);
  app.decorateRequest('trader', null);

  // preValidation, not onRequest: the rate limit (an onRequest hook of each route) runs first, so a
  // flood of forged tokens is cut before any signature is checked; and a request that fails both
  // authentication and validation hears about the token, not about its query.
  const refuse = (request: FastifyRequest, reply: FastifyReply, err: unknown): Error => {
    if (!(err instanceof TokenError)) return err instanceof Error ? err : new Error(String(err));
    metrics.recordTokenRefusal(err.failure);
    // The reason goes to the log for the operator; the token never does.
    request.log.info({ reason: err.message }, 'token refused');
    reply.header('www-authenticate', `${REALM}, error="invalid_token"`);
    return err.failure === 'expired' ? new TokenExpiredError() : new TokenInvalidError();
  };
  const admit = (request: FastifyRequest, reply: FastifyReply, claims: TraderClaims): Error | undefined => {
    if (!scopesCoverBot(claims.bots, bot)) {
      metrics.recordTokenRefusal('forbidden');
      request.log.info({ trader: claims.sub }, 'token not scoped to this bot');
      reply.header('www-authenticate', `${REALM}, error="insufficient_scope"`);
      return new ForbiddenError(scope);
    }
    request.trader = claims;
    return undefined;
  };

  // preValidation, not onRequest: the rate limit (an onRequest hook of each route) runs first, so a
  // flood of forged tokens is cut before any signature is checked; and a request that fails both
  // authentication and validation hears about the token, not about its query. A callback hook with a
  // synchronous path for tokens verified before: no promise on the hot path.
  app.addHook('preValidation', (request, reply, done) => {
    // Unknown paths answer 404 whoever asks: the routes are documented, their data is not.
    if (request.is404 || request.routeOptions.config.auth === 'public') return done();
    if (!verifier) {
      request.trader = ANONYMOUS;
      return done();
    }
    const token = bearerToken(request);
    if (token === undefined) {
      metrics.recordTokenRefusal('missing');
      reply.header('www-authenticate', REALM);
      return done(new TokenMissingError());
    }
    let known: TraderClaims | undefined;
    try {
      known = verifier.cached(token);
    } catch (err) {
      return done(refuse(request, reply, err));
    }
    if (known) return done(admit(request, reply, known));
    verifier.verify(token).then(
      (claims) => done(admit(request, reply, claims)),
      (err: unknown) => done(refuse(request, reply, err)),
    );
  });
}

export default fp(authPlugin, { name: 'botcore-status-auth', fastify: '5.x' });
