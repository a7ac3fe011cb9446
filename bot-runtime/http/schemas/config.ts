// The status endpoint's configuration, as the operator renders it for the
// runtime (and `botcore run` builds it for a laptop). Validated at boot:
// an unknown or bad key stops the process with the key's name.
import { type Static, Type } from 'typebox';

export const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

const strict = { additionalProperties: false } as const;

export const StatusServerConfigSchema = Type.Object(
  {
    bot: Type.Object(
      {
        namespace: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' }),
        name: Type.String({ pattern: '^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$' }),
      },
      strict,
    ),
    host: Type.String({ minLength: 1, default: '0.0.0.0' }),
    port: Type.Integer({ minimum: 0, maximum: 65_535, default: 8080 }),
    /** Trust X-Forwarded-For from this many proxies (the mesh sidecar and the gateway), for client addresses. */
    trustProxyHops: Type.Integer({ minimum: 0, maximum: 10, default: 0 }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    auth: Type.Object(
      {
        mode: Type.Union([Type.Literal('jwt'), Type.Literal('none')], { default: 'jwt' }),
        audience: Type.Optional(Type.String({ minLength: 1 })),
        issuers: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 16 })),
        algorithms: Type.Array(Type.Union(JWT_ALGORITHMS.map((a) => Type.Literal(a))), {
          minItems: 1,
          uniqueItems: true,
          default: ['ES256', 'EdDSA', 'RS256'],
        }),
        publicKeys: Type.Optional(
          Type.Object(
            {
              path: Type.Optional(Type.String({ minLength: 1 })),
              env: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$' })),
            },
            strict,
          ),
        ),
        clockToleranceSeconds: Type.Integer({ minimum: 0, maximum: 300, default: 30 }),
        maxTokenLifetimeSeconds: Type.Integer({ minimum: 60, maximum: 30 * 86_400, default: 86_400 }),
        cacheSize: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 10_000 }),
      },
      { ...strict, default: {} },
    ),
    metrics: Type.Object({ public: Type.Boolean({ default: true }) }, { ...strict, default: {} }),
    rateLimit: Type.Object(
      {
        max: Type.Integer({ minimum: 1, maximum: 100_000_000, default: 600 }),
        windowSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
      },
      { ...strict, default: {} },
    ),
    cors: Type.Object(
      {
        origins: Type.Array(Type.String({ pattern: '^https?://[^/\\s*]+$' }), { default: [], maxItems: 64 }),
      },
      { ...strict, default: {} },
    ),
    stream: Type.Object(
      {
        maxSubscribers: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 20_000 }),
        maxBufferedBytes: Type.Integer({ minimum: 1024, default: 1_048_576 }),
        heartbeatSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 30 }),
        // Threads sharing the fan-out's socket writes; absent: one less than the cores the process may use.
        writerThreads: Type.Optional(Type.Integer({ minimum: 0, maximum: 16 })),
      },
      { ...strict, default: {} },
    ),
    page: Type.Object({ enabled: Type.Boolean({ default: true }) }, { ...strict, default: {} }),
  },
  strict,
);

export type StatusServerConfig = Static<typeof StatusServerConfigSchema>;
