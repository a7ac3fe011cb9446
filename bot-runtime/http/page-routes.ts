// The trader's page at `/`: static HTML, CSS and JavaScript read once at
// start. It holds no data and no secret, so it is public; it asks for the
// token (pasted, or passed as `#token=...`, a fragment the browser never
// sends) and then reads the JSON API and the stream like any other client.
// A strict Content-Security-Policy allows only its own scripts and styles
// and connections back to this origin.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import { ErrorResponse, publicErrors } from './schemas/common.ts';

/** Where the page's files live beside this module (the container image copies the folder too). */
export const DEFAULT_PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));

const ASSETS = {
  'app.js': 'text/javascript; charset=utf-8',
  'chart.js': 'text/javascript; charset=utf-8',
  'format.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
} as const;

export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface PageRoutesOptions {
  readonly dir?: string;
}

const pageRoutesPlugin: FastifyPluginAsyncTypebox<PageRoutesOptions> = async (app, options) => {
  const dir = options.dir ?? DEFAULT_PAGE_DIR;
  const read = (name: string): string => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch (err) {
      throw new Error(`status page file ${name} is missing from ${dir}: ${(err as Error).message}`);
    }
  };
  const html = read('index.html');
  const assets = new Map(Object.entries(ASSETS).map(([name, type]) => [name, { body: read(name), type }]));
  const open = { auth: 'public' } as const;
  const pageHeaders = {
    'content-security-policy': PAGE_CSP,
    'x-frame-options': 'DENY',
    'cache-control': 'no-cache',
  };

  app.get(
    '/',
    {
      config: open,
      schema: { description: 'The status page.', response: { 200: Type.String(), ...publicErrors } },
    },
    async (_request, reply) => reply.headers(pageHeaders).type('text/html; charset=utf-8').send(html),
  );

  app.get(
    '/page/:file',
    {
      config: open,
      schema: {
        description: "The page's scripts and style.",
        params: Type.Object({ file: Type.String({ maxLength: 32 }) }, { additionalProperties: false }),
        response: { 200: Type.String(), 404: ErrorResponse, ...publicErrors },
      },
    },
    async (request, reply) => {
      const asset = assets.get(request.params.file);
      if (!asset) return reply.callNotFound();
      return reply.headers(pageHeaders).type(asset.type).send(asset.body);
    },
  );
};

/** Named, with its dependencies; encapsulated, so its hooks and routes stay its own. */
export const pageRoutes = fp(pageRoutesPlugin, {
  name: 'botcore-status-page',
  fastify: '5.x',
  dependencies: ['botcore-status-auth', '@fastify/rate-limit'],
  encapsulate: true,
});
