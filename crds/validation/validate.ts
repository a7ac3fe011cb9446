import type { RiskPolicy, TradingBot } from '../generated/types.ts';
import { kinds, riskPolicy, rootSchema, tradingBot } from '../schema/index.ts';
import type { JSONSchemaProps, KindDefinition } from '../schema/json-schema.ts';
import { validateCel } from './cel.ts';
import { type FieldError, fieldErrors, formatFieldError } from './field-error.ts';
import { applyDefaults, isPlainObject, prune, type UnknownFields, validateSchema } from './structural.ts';

export interface ValidateOptions {
  /** The stored object, for an update: enables transition rules (immutability). */
  oldObject?: unknown;
  /** `reject` (the default) reports unknown fields like `fieldValidation=Strict`; `prune` drops them silently. */
  unknownFields?: UnknownFields;
}

export type ValidationResult<T> =
  | { valid: true; object: T; errors: [] }
  | { valid: false; object: T; errors: FieldError[] };

/** Schema (OpenAPI) failures after which the API server does not run CEL rules. */
const blocking = new Set<FieldError['type']>([
  'FieldValueNotSupported',
  'FieldValueRequired',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'FieldValueTypeInvalid',
]);

// Every object's name, whatever its kind (ObjectMeta validation), in the API server's words.
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123SubdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

export const celSkippedDetail =
  'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

const rootSchemas = new WeakMap<KindDefinition, JSONSchemaProps>();
function schemaOf(kind: KindDefinition): JSONSchemaProps {
  let schema = rootSchemas.get(kind);
  if (!schema) {
    schema = rootSchema(kind);
    rootSchemas.set(kind, schema);
  }
  return schema;
}

function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/**
 * Validates one object of `kind` as the API server would on create (or on
 * update, with `oldObject`): prune, default, OpenAPI schema, list types, then
 * CEL rules. Returns the defaulted object and field errors.
 */
export function validateObject<T = unknown>(
  kind: KindDefinition,
  input: unknown,
  options: ValidateOptions = {},
): ValidationResult<T> {
  const errors: FieldError[] = [];
  // Validate what the API server would receive: the object's JSON (holes become null, undefined disappears).
  const object = asJson(input) as Record<string, unknown>;
  if (!isPlainObject(object)) {
    errors.push(fieldErrors.typeInvalid('', input, 'the manifest must be an object'));
    return { valid: false, object: object as T, errors };
  }
  const apiVersion = `${kind.group}/${kind.version}`;
  if (object.apiVersion !== apiVersion)
    errors.push(fieldErrors.notSupported('apiVersion', object.apiVersion, [apiVersion]));
  if (object.kind !== kind.kind) errors.push(fieldErrors.notSupported('kind', object.kind, [kind.kind]));
  const metadata = object.metadata;
  if (
    !isPlainObject(metadata) ||
    (typeof metadata.name !== 'string' && typeof metadata.generateName !== 'string')
  ) {
    errors.push(fieldErrors.required('metadata.name', 'name or generateName is required'));
  } else if (typeof metadata.name === 'string' && !dns1123Subdomain.test(metadata.name)) {
    errors.push(fieldErrors.invalid('metadata.name', metadata.name, dns1123SubdomainMessage));
  }

  const schema = schemaOf(kind);
  const unknown: FieldError[] = [];
  prune(object, schema, '', options.unknownFields ?? 'reject', unknown);
  if (unknown.length > 0) {
    // Like strict decoding on the API server: unknown fields fail the request before validation.
    return { valid: false, object: object as T, errors: [...errors, ...unknown] };
  }
  applyDefaults(object, schema);
  const old = isPlainObject(options.oldObject)
    ? (asJson(options.oldObject) as Record<string, unknown>)
    : undefined;
  if (old) {
    prune(old, schema, '', 'prune', []);
    applyDefaults(old, schema);
  }

  const schemaErrors: FieldError[] = [];
  validateSchema(object, schema, '', schemaErrors);
  errors.push(...schemaErrors);
  if (schemaErrors.some((e) => blocking.has(e.type))) {
    errors.push(fieldErrors.invalid('', null, celSkippedDetail));
  } else {
    validateCel(object, old, schema, '', errors);
  }
  return errors.length === 0
    ? { valid: true, object: object as T, errors: [] }
    : { valid: false, object: object as T, errors };
}

export function validateTradingBot(input: unknown, options?: ValidateOptions): ValidationResult<TradingBot> {
  return validateObject<TradingBot>(tradingBot, input, options);
}

export function validateRiskPolicy(input: unknown, options?: ValidateOptions): ValidationResult<RiskPolicy> {
  return validateObject<RiskPolicy>(riskPolicy, input, options);
}

/** The kind definition for a manifest's apiVersion and kind, if it is one of ours. */
export function kindOf(manifest: unknown): KindDefinition | undefined {
  if (!isPlainObject(manifest)) return undefined;
  return kinds.find((k) => manifest.apiVersion === `${k.group}/${k.version}` && manifest.kind === k.kind);
}

/** Validates a TradingBot or RiskPolicy manifest, whichever it is. */
export function validateManifest(
  manifest: unknown,
  options?: ValidateOptions,
): ValidationResult<TradingBot | RiskPolicy> {
  const kind = kindOf(manifest);
  if (!kind) {
    const found = isPlainObject(manifest)
      ? `${String(manifest.apiVersion)}, Kind=${String(manifest.kind)}`
      : 'none';
    return {
      valid: false,
      object: manifest as TradingBot,
      errors: [
        fieldErrors.notSupported(
          'kind',
          found,
          kinds.map((k) => `${k.group}/${k.version}, Kind=${k.kind}`),
        ),
      ],
    };
  }
  return validateObject<TradingBot | RiskPolicy>(kind, manifest, options);
}

/** The API server's summary line: `TradingBot.trading.botcore.dev "x" is invalid: [a, b]`. */
export function describeErrors(manifest: unknown, errors: readonly FieldError[]): string {
  const kind = kindOf(manifest);
  const name =
    isPlainObject(manifest) && isPlainObject(manifest.metadata) ? String(manifest.metadata.name) : '';
  const what = kind ? `${kind.kind}.${kind.group} "${name}"` : `object "${name}"`;
  const list = errors.map(formatFieldError);
  return `${what} is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`;
}

/** Thrown by `assertValid` with every field error. */
export class InvalidManifestError extends Error {
  readonly code = 'BOTCORE_ERR_INVALID_MANIFEST';
  readonly errors: readonly FieldError[];
  constructor(manifest: unknown, errors: readonly FieldError[]) {
    super(describeErrors(manifest, errors));
    this.name = 'InvalidManifestError';
    this.errors = errors;
  }
}

/** Returns the defaulted object, or throws `InvalidManifestError`. */
/** A TradingBot spec with its defaults applied, as the API server would store it; throws InvalidManifestError naming each bad field. */
export function tradingBotSpec(spec: Record<string, unknown>, name = 'bot'): TradingBot['spec'] {
  const manifest = {
    apiVersion: `${tradingBot.group}/${tradingBot.version}`,
    kind: 'TradingBot',
    metadata: { name },
    spec,
  };
  const result = validateTradingBot(manifest);
  if (!result.valid) throw new InvalidManifestError(manifest, result.errors);
  return result.object.spec;
}

export function assertValid(manifest: unknown, options?: ValidateOptions): TradingBot | RiskPolicy {
  const result = validateManifest(manifest, options);
  if (!result.valid) throw new InvalidManifestError(manifest, result.errors);
  return result.object;
}
