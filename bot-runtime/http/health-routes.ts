// The probes, public by design: the kubelet calls them without a token.
// /healthz says the process serves requests (liveness: it does not look at
// dependencies, so an outage of NATS does not restart every pod); /readyz says
// whether the bot can answer (readiness: the source is ready and every
// required dependency is up). Neither says more than names and booleans.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { publicErrors } from './schemas/common.ts';
import { HealthzResponse, ReadyzResponse } from './schemas/health.ts';
import type { BotStatusSource } from './status-source.ts';

export interface HealthRoutesOptions {
  readonly source: BotStatusSource;
}

const healthRoutesPlugin: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, { source }) => {
  const open = { auth: 'public', rateLimit: false } as const;

  app.get(
    '/healthz',
    {
      config: open,
      schema: { description: 'Liveness.', response: { 200: HealthzResponse, ...publicErrors } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: open,
      schema: {
        description: 'Readiness: the bot and its required dependencies.',
        response: { 200: ReadyzResponse, 503: ReadyzResponse, ...publicErrors },
      },
    },
    async (_request, reply) => {
      const health = await source.health();
      const checks = health.dependencies.map((d) => ({ name: d.name, ok: d.ok, required: d.required }));
      const ready = health.ready && health.dependencies.every((d) => d.ok || !d.required);
      if (!ready) reply.code(503);
      return { status: ready ? ('ready' as const) : ('not ready' as const), checks };
    },
  );
};

/** Named, with its dependencies; encapsulated, so its hooks and routes stay its own. */
export const healthRoutes = fp(healthRoutesPlugin, {
  name: 'botcore-status-health',
  fastify: '5.x',
  dependencies: ['botcore-status-auth'],
  encapsulate: true,
});
