// The JSON API for traders: status, positions, trades (paged) and the equity
// curve of this bot. Every route needs a token scoped to the bot (auth
// plugin) and answers through its response schema, so only declared fields
// ever leave the process.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { BadCursorError } from './errors.ts';
import { authenticatedErrors } from './schemas/common.ts';
import { EquityQuery, EquityResponse } from './schemas/equity.ts';
import { PositionsResponse } from './schemas/positions.ts';
import { BotStatusSchema } from './schemas/status.ts';
import { TradesQuery, TradesResponse } from './schemas/trades.ts';
import { type BotStatusSource, InvalidCursorError } from './status-source.ts';
import { inRequestContext } from './tracing.ts';

export interface ApiRoutesOptions {
  readonly source: BotStatusSource;
}

const apiRoutesPlugin: FastifyPluginAsyncTypebox<ApiRoutesOptions> = async (app, { source }) => {
  app.get(
    '/api/v1/status',
    {
      schema: {
        description: "The bot's status: equity, PnL, positions and trades today, risk state, strategies.",
        response: { 200: BotStatusSchema, ...authenticatedErrors },
      },
    },
    async (request) => inRequestContext(request, () => source.status()),
  );

  app.get(
    '/api/v1/positions',
    {
      schema: {
        description: 'Open positions.',
        response: { 200: PositionsResponse, ...authenticatedErrors },
      },
    },
    async (request) => ({ items: await inRequestContext(request, () => source.positions()) }),
  );

  app.get(
    '/api/v1/trades',
    {
      schema: {
        description: 'Trades, newest first; follow `nextCursor` for older ones.',
        querystring: TradesQuery,
        response: { 200: TradesResponse, ...authenticatedErrors },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      try {
        return await inRequestContext(request, () =>
          source.trades(cursor === undefined ? { limit } : { limit, cursor }),
        );
      } catch (err) {
        if (err instanceof InvalidCursorError) throw new BadCursorError();
        throw err;
      }
    },
  );

  app.get(
    '/api/v1/equity',
    {
      schema: {
        description: 'The equity curve, oldest first, optionally over a window and in buckets.',
        querystring: EquityQuery,
        response: { 200: EquityResponse, ...authenticatedErrors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const from = q.from === undefined ? undefined : Date.parse(q.from);
      const to = q.to === undefined ? undefined : Date.parse(q.to);
      if (from !== undefined && to !== undefined && from > to) {
        reply.code(400);
        return badRequest('from must not be after to');
      }
      const series = await inRequestContext(request, () =>
        source.equity({
          maxPoints: q.limit,
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(q.step !== undefined ? { step: q.step * 1000 } : {}),
        }),
      );
      return { currency: series.currency, step: series.step / 1000, points: series.points };
    },
  );
};

function badRequest(message: string) {
  return { statusCode: 400, code: 'BOTCORE_HTTP_BAD_REQUEST', error: 'Bad Request', message } as const;
}

/** Named, with its dependencies; encapsulated, so its hooks and routes stay its own. */
export const apiRoutes = fp(apiRoutesPlugin, {
  name: 'botcore-status-api',
  fastify: '5.x',
  dependencies: ['botcore-status-auth', '@fastify/rate-limit'],
  encapsulate: true,
});
