// The few API calls the operator makes (list, watch, get, create, replace,
// patch, delete), as plain JSON over node:https with keep-alive. No
// generated models, no (de)serialisation into classes: objects stay the
// JSON the server sent, dates as strings.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import { createInterface } from 'node:readline';
import type { RestConfig } from './kube-config.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestSpec {
  readonly query?: Query;
  readonly body?: unknown;
  /** Default `application/json`; patches name their type. */
  readonly contentType?: string;
  readonly signal?: AbortSignal;
}

export const ContentType = {
  json: 'application/json',
  jsonPatch: 'application/json-patch+json',
  mergePatch: 'application/merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** A non-2xx answer: `code` is the HTTP status, `body` the server's Status (or text). */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly code: number;
  readonly body: unknown;

  constructor(code: number, body: unknown, what: string) {
    const message = (body as { message?: unknown } | undefined)?.message;
    super(`${what}: ${code} ${typeof message === 'string' ? message : String(body).slice(0, 200)}`);
    this.code = code;
    this.body = body;
  }
}

/** The HTTP status of an API error (KubeApiError, client-node's ApiException or HttpError), if it has one. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

export interface WatchEvent<T> {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: T;
}

/** Requests without an answer after this long fail (watches excepted). */
const requestTimeoutMs = 60_000;

export class RestClient {
  readonly config: RestConfig;
  readonly #url: URL;
  readonly #agent: HttpAgent;

  constructor(config: RestConfig) {
    this.config = config;
    this.#url = new URL(config.server);
    const tls = this.#url.protocol === 'https:';
    const options = { keepAlive: true, keepAliveMsecs: 15_000, maxFreeSockets: 64 };
    this.#agent = tls
      ? new HttpsAgent({
          ...options,
          ...(config.ca === undefined ? {} : { ca: config.ca }),
          ...(config.cert === undefined ? {} : { cert: config.cert }),
          ...(config.key === undefined ? {} : { key: config.key }),
          ...(config.tlsServerName === undefined ? {} : { servername: config.tlsServerName }),
          rejectUnauthorized: config.insecureSkipTlsVerify !== true,
        })
      : new HttpAgent(options);
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, query === undefined ? {} : { query });
  }

  /** One JSON request; resolves with the parsed answer, rejects with KubeApiError on non-2xx. */
  async request<T>(method: string, path: string, spec: RequestSpec = {}): Promise<T> {
    const response = await this.#send(method, path, spec, requestTimeoutMs);
    const text = await readAll(response);
    const status = response.statusCode ?? 0;
    const body = text === '' ? undefined : parseJson(text);
    if (status < 200 || status >= 300) throw new KubeApiError(status, body, `${method} ${path}`);
    return body as T;
  }

  /**
   * Opens a watch; resolves once the server answered 200 (rejects otherwise),
   * with `done`, which settles when the stream ends (resolves) or breaks
   * (rejects). Each event goes to `onEvent` as it arrives.
   */
  async watch<T>(
    path: string,
    query: Query,
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<{ done: Promise<void> }> {
    const response = await this.#send('GET', path, { query: { ...query, watch: true }, signal }, 0);
    const status = response.statusCode ?? 0;
    if (status !== 200) {
      const text = await readAll(response);
      throw new KubeApiError(status, parseJson(text), `watch ${path}`);
    }
    response.setEncoding('utf8');
    const done = new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: response, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on('line', (line) => {
        if (line.trim() === '') return;
        let event: WatchEvent<T>;
        try {
          event = JSON.parse(line) as WatchEvent<T>;
        } catch (error) {
          response.destroy(error as Error);
          return;
        }
        onEvent(event);
      });
      response.on('error', reject);
      lines.on('error', reject);
      response.once('aborted', () => reject(new Error(`watch ${path}: the connection was cut`)));
      lines.once('close', () => (response.complete ? resolve() : reject(new Error(`watch ${path} broke`))));
    });
    return { done };
  }

  /** Closes idle keep-alive connections (open watches are aborted by their signals). */
  close(): void {
    this.#agent.destroy();
  }

  async #send(method: string, path: string, spec: RequestSpec, timeoutMs: number): Promise<IncomingMessage> {
    const url = new URL(path, this.#url);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.config.token?.();
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (this.config.headers !== undefined) Object.assign(headers, await this.config.headers());
    const payload = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    if (payload !== undefined) {
      headers['content-type'] = spec.contentType ?? ContentType.json;
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const options: RequestOptions = {
      method,
      headers,
      agent: this.#agent,
      ...(spec.signal === undefined ? {} : { signal: spec.signal }),
      ...(timeoutMs > 0 ? { timeout: timeoutMs } : {}),
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, options, resolve);
      req.on('error', reject);
      req.once('timeout', () =>
        req.destroy(new Error(`${method} ${url.pathname}: no answer in ${timeoutMs} ms`)),
      );
      req.end(payload);
    });
  }
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
