// Reads and validates the status endpoint's configuration. A bad key throws a
// ConfigError whose message starts with the key (`auth.audience: ...`), so the
// process can refuse to start and say which key is wrong.
import { readFileSync } from 'node:fs';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { type StatusServerConfig, StatusServerConfigSchema } from './schemas/config.ts';

export type { JwtAlgorithm, StatusServerConfig } from './schemas/config.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'BOTCORE_HTTP_BAD_CONFIG';
  /** Dotted path of the offending key, e.g. `auth.audience`. */
  readonly key: string;
  constructor(key: string, detail: string) {
    super(`invalid status endpoint configuration: ${key}: ${detail}`);
    this.key = key;
  }
}

/** Hosts on which `auth.mode: none` is allowed: a laptop's loopback, never a pod's network. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Validates a configuration object, filling defaults. Throws ConfigError naming the first bad key. */
export function parseStatusServerConfig(input: unknown): StatusServerConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError('(root)', 'must be an object');
  }
  const value = Value.Default(StatusServerConfigSchema, structuredClone(input)) as unknown;
  const first = Value.Errors(StatusServerConfigSchema, value)[0];
  if (first) throw new ConfigError(keyOf(first.instancePath, first.params), messageOf(first));
  const config = value as StatusServerConfig;
  const auth = config.auth;
  if (auth.mode === 'jwt') {
    if (auth.audience === undefined) throw new ConfigError('auth.audience', 'required when auth.mode is jwt');
    if (auth.issuers === undefined) throw new ConfigError('auth.issuers', 'required when auth.mode is jwt');
    if (!auth.publicKeys || (auth.publicKeys.path === undefined && auth.publicKeys.env === undefined)) {
      throw new ConfigError('auth.publicKeys', 'needs a path (a mounted Secret) or an env variable');
    }
  } else if (!LOOPBACK.has(config.host)) {
    throw new ConfigError(
      'auth.mode',
      `none is only allowed when host is a loopback address (127.0.0.1, ::1, localhost), not ${config.host}`,
    );
  }
  return config;
}

/** Reads a YAML or JSON file and validates it. */
export function loadStatusServerConfig(path: string): StatusServerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('(file)', `cannot read ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new ConfigError('(file)', `${path} is not YAML or JSON: ${(err as Error).message}`);
  }
  return parseStatusServerConfig(data);
}

function keyOf(instancePath: string, params: unknown): string {
  const parts = instancePath.split('/').slice(1);
  const extra = (params as { additionalProperties?: unknown; requiredProperties?: unknown }) ?? {};
  const named = Array.isArray(extra.additionalProperties)
    ? extra.additionalProperties[0]
    : Array.isArray(extra.requiredProperties)
      ? extra.requiredProperties[0]
      : undefined;
  if (typeof named === 'string') parts.push(named);
  return parts.length === 0 ? '(root)' : parts.join('.');
}

function messageOf(error: { keyword: string; message: string }): string {
  if (error.keyword === 'additionalProperties') return 'unknown key';
  if (error.keyword === 'required') return 'required';
  return error.message;
}
