// Structured JSON logs (pino) that never carry secrets: every logged object,
// child binding and message string goes through `redactSecrets` first. Keys
// that look secret (token, password, secret, apiKey, authorization, ...) are
// replaced whatever their depth, the data of Kubernetes Secrets is dropped,
// and bearer tokens or `password=...` pairs inside strings are masked.
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

export const REDACTED = '[REDACTED]';

const secretKeyParts = [
  'token',
  'password',
  'passwd',
  'secret',
  'apikey',
  'authorization',
  'credential',
  'privatekey',
  'cookie',
  'sessionid',
  // kubeconfig client keys (client-key-data, keyData)
  'keydata',
  'passphrase',
  // wallets and signed exchange requests
  'mnemonic',
  'seedphrase',
  'signature',
];
const exactSecretKeys = new Set(['auth', 'pwd', 'bearer']);

/** True for object keys whose values must never be logged (deliberately broad). */
export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[-_.\s]/g, '');
  return exactSecretKeys.has(normalized) || secretKeyParts.some((part) => normalized.includes(part));
}

const secretInString: ReadonlyArray<readonly [RegExp, string]> = [
  // Authorization header values, in any casing.
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // key=value or key: value pairs with a secret-looking key (URLs, env dumps, messages).
  [
    /\b([A-Za-z_-]*(?:token|password|passwd|secret|api[-_]?key|apikey|signature|passphrase)[A-Za-z_-]*)(["']?\s*[=:]\s*["']?)[^\s&"',;}]+/gi,
    `$1$2${REDACTED}`,
  ],
  // user:password@host in URLs.
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, `$1${REDACTED}@`],
];

/** Masks secrets that appear inside free text. */
export function redactString(text: string): string {
  let out = text;
  for (const [pattern, replacement] of secretInString) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A deep copy of `value` with secrets removed. Errors become plain objects
 * (type, message, stack, own fields), cycles become "[Circular]".
 */
export function redactSecrets(value: unknown): unknown {
  return redact(value, new WeakSet(), 0);
}

const maxDepth = 12;

function redact(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? value.toString() : value;
  }
  if (seen.has(value)) return '[Circular]';
  if (depth >= maxDepth) return '[Truncated]';
  seen.add(value);
  try {
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value)) return value.map((item) => redact(item, seen, depth + 1));
    if (value instanceof Map) return redact(Object.fromEntries(value), seen, depth);
    if (value instanceof Set) return redact([...value], seen, depth);
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return '[Binary]';

    // Errors keep their prototype, so pino's error serializer still names their type.
    const out: Record<string, unknown> =
      value instanceof Error ? Object.create(Object.getPrototypeOf(value) as object) : {};
    if (value instanceof Error) {
      out.message = redactString(value.message);
      if (value.stack !== undefined) out.stack = redactString(value.stack);
      if (value.cause !== undefined) out.cause = redact(value.cause, seen, depth + 1);
    }
    const record = value as Record<string, unknown>;
    const isKubernetesSecret = record.kind === 'Secret';
    for (const [key, item] of Object.entries(record)) {
      if (isSecretKey(key) || (isKubernetesSecret && (key === 'data' || key === 'stringData'))) {
        out[key] = REDACTED;
      } else {
        out[key] = redact(item, seen, depth + 1);
      }
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

export interface LoggerSettings {
  /** Component name, logged as `name`. */
  readonly name?: string;
  /** pino level (default `LOG_LEVEL` or `info`). */
  readonly level?: string;
  /** Where JSON lines go (default stdout). */
  readonly destination?: DestinationStream;
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? process.env.LOG_LEVEL ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    // `level` as a name ("info") reads better in kubectl logs than pino's number.
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => redactSecrets(bindings) as Record<string, unknown>,
      log: (object) => redactSecrets(object) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const cleaned = args.map((arg) =>
          typeof arg === 'string' ? redactString(arg) : arg instanceof Error ? redactSecrets(arg) : arg,
        );
        return method.apply(this, cleaned as Parameters<typeof method>);
      },
    },
  };
  if (settings.name !== undefined) options.name = settings.name;
  return redactChildBindings(
    settings.destination === undefined ? pino(options) : pino(options, settings.destination),
  );
}

/** pino serializes `child()` bindings once, without the log formatter: redact them on the way in. */
function redactChildBindings(logger: Logger): Logger {
  const child = logger.child.bind(logger);
  const redactingChild = (
    bindings: Record<string, unknown>,
    options?: Parameters<Logger['child']>[1],
  ): Logger =>
    redactChildBindings(
      child(redactSecrets(bindings) as Record<string, unknown>, options) as unknown as Logger,
    );
  logger.child = redactingChild as unknown as Logger['child'];
  return logger;
}

/** A logger that drops everything, for tests and for callers that pass none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
