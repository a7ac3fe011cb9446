// The configuration of a runtime pod, read and checked at boot. The operator
// renders `config.json` (and `risk-policy.json` beside it); the runtime runs
// them through the contract's validator (crds/runtime-config: unknown keys
// refused, defaults applied, schema checked) plus what only the runtime can
// judge (the role's strategy exists, the executor has a ledger, the strategy
// parameters build). A bad key stops the process with a message naming it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type FieldError,
  formatFieldError,
  type RiskPolicySpec,
  type TradingBotSpec,
} from '../../crds/index.ts';
import {
  type RiskPolicyDocument,
  type RuntimeConfig,
  type RuntimeRole,
  runtimeFiles,
  runtimeRoles,
  subjectsFor,
  validateRiskPolicyDocument,
  validateRuntimeConfig,
} from '../../crds/runtime-config/index.ts';
import { createStrategy, StrategyError } from '../strategies/index.ts';

export class RuntimeConfigError extends Error {
  override readonly name = 'RuntimeConfigError';
  /** The offending keys, dotted (`connections.mongodb.url`); `(file)` when the file itself is the problem. */
  readonly keys: readonly string[];
  constructor(file: string, keys: readonly string[], detail: string) {
    super(`invalid runtime configuration ${file}: ${detail}`);
    this.keys = keys;
  }
}

export interface RoleSelection {
  readonly role: string;
  readonly strategy?: string;
}

export interface BootConfig {
  readonly file: string;
  readonly role: RuntimeRole;
  readonly strategy?: string;
  readonly config: RuntimeConfig;
  /** `risk-policy.json`: the document, or null when the bot has no policy. */
  readonly policy: RiskPolicyDocument | null;
  /** The connection URLs after the environment's overrides. */
  readonly connections: { readonly nats: string; readonly redis?: string; readonly mongodb?: string };
  /** The ports to listen on after the environment's overrides (0: any free port, logged). */
  readonly ports: { readonly health: number; readonly status?: number };
}

/**
 * Variables that move a role's ports: a pod has its own network namespace,
 * processes on one machine (the e2e test, a laptop) do not.
 */
export const portEnv = { health: 'BOTCORE_HEALTH_PORT', status: 'BOTCORE_STATUS_PORT' } as const;

function portOverride(env: NodeJS.ProcessEnv, name: string, errors: FieldError[]): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  errors.push({ type: 'FieldValueInvalid', field: name, badValue: text, detail: 'must be a port (0-65535)' });
  return undefined;
}

/** `--config`, else `$BOTCORE_CONFIG`, else `/etc/botcore/config.json`. */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env[runtimeFiles.configEnv] ?? join(runtimeFiles.configDir, runtimeFiles.config);
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new RuntimeConfigError(file, ['(file)'], `cannot read the ${what}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RuntimeConfigError(file, ['(file)'], `the ${what} is not JSON: ${(e as Error).message}`);
  }
}

function fail(file: string, errors: readonly FieldError[]): never {
  throw new RuntimeConfigError(
    file,
    errors.map((e) => e.field || '(root)'),
    errors.map(formatFieldError).join('; '),
  );
}

/** The spec fields the kernel reads, from the runtime configuration. */
export function botSpecOf(config: RuntimeConfig): TradingBotSpec {
  return {
    exchange: { name: config.exchange.name, testnet: config.exchange.testnet },
    mode: config.mode,
    symbols: [...config.symbols],
    timeframe: config.timeframe,
    marketData: config.marketData,
    capital: config.capital,
    strategies: [...config.strategies],
    combine: config.ensemble,
    execution: config.execution,
    suspend: false,
    runtime: {} as TradingBotSpec['runtime'],
    statusEndpoint: {
      enabled: config.statusEndpoint !== undefined,
      port: config.statusEndpoint?.port ?? 8080,
      auth: config.statusEndpoint?.auth ?? 'bearerToken',
    },
  };
}

/**
 * Reads and checks everything a role needs before it connects anywhere.
 * Environment overrides: NATS_URL, REDIS_URL, MONGODB_URL, BOTCORE_HEALTH_PORT,
 * BOTCORE_STATUS_PORT (for a pod they come from the configuration; the
 * variables serve local runs and tests).
 */
export function loadBootConfig(
  file: string,
  selection: RoleSelection,
  env: NodeJS.ProcessEnv = process.env,
  policyFile?: string,
): BootConfig {
  if (!(runtimeRoles as readonly string[]).includes(selection.role)) {
    throw new RuntimeConfigError(
      file,
      ['--role'],
      `--role: Unsupported value: ${JSON.stringify(selection.role)}: supported values: ${runtimeRoles.map((r) => `"${r}"`).join(', ')}`,
    );
  }
  const role = selection.role as RuntimeRole;
  const checked = validateRuntimeConfig(readJson(file, 'configuration'));
  if (!checked.valid) fail(file, checked.errors);
  const config = checked.value;

  const errors: FieldError[] = [];
  const subjects = subjectsFor(config.bot.namespace, config.bot.name);
  if (config.subjects.control !== subjects.control)
    errors.push({
      type: 'FieldValueInvalid',
      field: 'subjects.control',
      badValue: config.subjects.control,
      detail: `must be ${subjects.control}`,
    });
  if (config.subjects.status !== subjects.status)
    errors.push({
      type: 'FieldValueInvalid',
      field: 'subjects.status',
      badValue: config.subjects.status,
      detail: `must be ${subjects.status}`,
    });
  config.strategies.forEach((s, i) => {
    try {
      createStrategy(s, i);
    } catch (e) {
      if (!(e instanceof StrategyError)) throw e;
      errors.push({ type: 'FieldValueInvalid', field: e.field, badValue: undefined, detail: e.message });
    }
  });
  if (config.marketData.source === 'replay' && !config.marketData.replay)
    errors.push({
      type: 'FieldValueRequired',
      field: 'marketData.replay',
      detail: 'source replay requires marketData.replay',
    });
  if (role === 'strategy') {
    if (selection.strategy === undefined) {
      errors.push({
        type: 'FieldValueRequired',
        field: '--strategy',
        detail: 'a strategy role needs --strategy <name>',
      });
    } else if (!config.strategies.some((s) => s.name === selection.strategy)) {
      errors.push({
        type: 'FieldValueNotSupported',
        field: '--strategy',
        badValue: selection.strategy,
        detail: `supported values: ${config.strategies.map((s) => `"${s.name}"`).join(', ')}`,
      });
    }
  }
  const mongodb = env.MONGODB_URL || config.connections.mongodb?.url;
  const redis = env.REDIS_URL || config.connections.redis?.url;
  const nats = env.NATS_URL || config.connections.nats.url;
  const healthPort = portOverride(env, portEnv.health, errors) ?? config.health.port;
  const statusPort = config.statusEndpoint
    ? (portOverride(env, portEnv.status, errors) ?? config.statusEndpoint.port)
    : undefined;
  if (role === 'executor') {
    if (!mongodb)
      errors.push({
        type: 'FieldValueRequired',
        field: 'connections.mongodb.url',
        detail: 'the executor keeps its ledger in MongoDB',
      });
    if (config.mode === 'live')
      errors.push({
        type: 'FieldValueForbidden',
        field: 'mode',
        detail: 'live trading needs an exchange adapter, which this runtime does not have yet; use paper',
      });
  }
  if (errors.length > 0) fail(file, errors);

  let policy: RiskPolicyDocument | null = null;
  const pf = policyFile ?? join(dirname(file), runtimeFiles.riskPolicy);
  if (policyFile !== undefined || existsSync(pf)) {
    const raw = readJson(pf, 'risk policy');
    if (raw !== null) {
      const p = validateRiskPolicyDocument(raw);
      if (!p.valid) fail(pf, p.errors);
      policy = p.value;
    }
  }
  if (role === 'executor' && config.riskPolicy && policy === null) {
    throw new RuntimeConfigError(
      pf,
      ['riskPolicy'],
      `riskPolicy: Required value: the configuration names RiskPolicy "${config.riskPolicy.name}" but ${pf} holds none`,
    );
  }
  return {
    file,
    role,
    ...(selection.strategy === undefined ? {} : { strategy: selection.strategy }),
    config,
    policy,
    connections: { nats, ...(redis ? { redis } : {}), ...(mongodb ? { mongodb } : {}) },
    ports: { health: healthPort, ...(statusPort === undefined ? {} : { status: statusPort }) },
  };
}

export type { RiskPolicySpec };
