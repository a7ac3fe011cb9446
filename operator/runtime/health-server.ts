// The operator's HTTP endpoints for the kubelet and Prometheus:
//   GET /healthz  liveness: 200 while every liveness check passes, else 503
//   GET /readyz   readiness: 200 while every readiness check passes (caches
//                 synced), else 503; a standby replica is ready too
//   GET /metrics  the prom-client registry in Prometheus text format
// Bodies are small JSON documents naming each check, so `kubectl describe`
// and curl show why a probe fails. Plain node:http: three routes need no framework.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { type Logger, redactString, silentLogger } from './logger.ts';

/** A health check: true (or nothing) when healthy; false, a reason, or a throw when not. */
export type HealthCheck = () => boolean | string | undefined | Promise<boolean | string | undefined>;

export interface HealthServerOptions {
  readonly registry: Registry;
  /** Port to listen on; 0 picks a free one (default 8081). */
  readonly port?: number;
  /** Address to bind (default all interfaces, as probes come from the node). */
  readonly host?: string;
  readonly logger?: Logger;
}

interface CheckReport {
  readonly status: 'ok' | 'failing';
  readonly checks: Record<string, string>;
}

export class HealthServer {
  readonly #registry: Registry;
  readonly #port: number;
  readonly #host: string | undefined;
  readonly #log: Logger;
  readonly #liveness = new Map<string, HealthCheck>();
  readonly #readiness = new Map<string, HealthCheck>();
  #server: Server | undefined;

  constructor(options: HealthServerOptions) {
    this.#registry = options.registry;
    this.#port = options.port ?? 8081;
    this.#host = options.host;
    this.#log = (options.logger ?? silentLogger()).child({ component: 'health-server' });
  }

  addLivenessCheck(name: string, check: HealthCheck): void {
    this.#liveness.set(name, check);
  }

  addReadinessCheck(name: string, check: HealthCheck): void {
    this.#readiness.set(name, check);
  }

  /** Starts listening; resolves with the bound port. */
  async listen(): Promise<number> {
    if (this.#server !== undefined) throw new Error('health server already listening');
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.#log.error({ err: error, url: request.url }, 'health endpoint failed');
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end('internal error\n');
      });
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, this.#host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    this.#log.info({ port }, 'serving /healthz, /readyz and /metrics');
    return port;
  }

  /** Stops accepting connections and closes idle keep-alive ones. */
  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeIdleConnections();
    });
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      response.end('method not allowed\n');
      return;
    }
    switch (path) {
      case '/healthz':
      case '/livez':
        return this.#sendReport(response, await runChecks(this.#liveness));
      case '/readyz':
        return this.#sendReport(response, await runChecks(this.#readiness));
      case '/metrics': {
        const body = await this.#registry.metrics();
        response.writeHead(200, { 'content-type': this.#registry.contentType });
        response.end(body);
        return;
      }
      default:
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found\n');
    }
  }

  #sendReport(response: ServerResponse, report: CheckReport): void {
    response.writeHead(report.status === 'ok' ? 200 : 503, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
    });
    response.end(`${JSON.stringify(report)}\n`);
  }
}

/** Runs checks together; any failure, reason or throw makes the report fail. */
export async function runChecks(checks: ReadonlyMap<string, HealthCheck>): Promise<CheckReport> {
  const results = await Promise.all(
    [...checks].map(async ([name, check]): Promise<[string, string]> => {
      try {
        const outcome = await check();
        if (outcome === true || outcome === undefined) return [name, 'ok'];
        return [name, outcome === false ? 'failing' : redactString(outcome)];
      } catch (error) {
        return [name, redactString(error instanceof Error ? error.message : String(error))];
      }
    }),
  );
  const failing = results.some(([, result]) => result !== 'ok');
  return { status: failing ? 'failing' : 'ok', checks: Object.fromEntries(results) };
}
