// GET /metrics in Prometheus text format. Public by default (Prometheus
// scrapes without a token; the mesh's authorization policy lets only it
// reach the port), or behind a token with `metrics.public: false`.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import type { Registry } from 'prom-client';
import { Type } from 'typebox';
import { authenticatedErrors } from './schemas/common.ts';

export interface MetricsRouteOptions {
  readonly registry: Registry;
  readonly public: boolean;
}

const metricsRoutePlugin: FastifyPluginAsyncTypebox<MetricsRouteOptions> = async (app, options) => {
  const { registry } = options;
  app.get(
    '/metrics',
    {
      config: { auth: options.public ? 'public' : 'token' },
      schema: {
        description: 'Prometheus metrics.',
        response: { 200: Type.String(), ...authenticatedErrors },
      },
    },
    async (_request, reply) => {
      const body = await registry.metrics();
      return reply.type(registry.contentType).send(body);
    },
  );
};

/** Named, with its dependencies; encapsulated, so its hooks and routes stay its own. */
export const metricsRoute = fp(metricsRoutePlugin, {
  name: 'botcore-status-metrics',
  fastify: '5.x',
  dependencies: ['botcore-status-auth', '@fastify/rate-limit'],
  encapsulate: true,
});
