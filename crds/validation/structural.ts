import type { JSONSchemaProps } from '../schema/json-schema.ts';
import { type FieldError, fieldErrors } from './field-error.ts';

// The API server's pipeline for a custom resource, minus CEL: prune (or
// reject) unknown fields, drop nulls, apply defaults, then validate against
// the OpenAPI schema. Messages follow k8s.io/kube-openapi's wording.

export type UnknownFields = 'reject' | 'prune';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

export function childPath(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/**
 * Removes fields that the schema does not declare (reporting them when
 * `mode` is `reject`, as `fieldValidation=Strict` does) and nulls of fields that
 * are not nullable, in place.
 */
export function prune(
  value: unknown,
  schema: JSONSchemaProps,
  path: string,
  mode: UnknownFields,
  errors: FieldError[],
): void {
  if (schema['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => {
      prune(item, schema.items!, `${path}[${i}]`, mode, errors);
    });
    return;
  }
  if (!isPlainObject(value) || schema.type !== 'object') return;
  for (const key of Object.keys(value)) {
    // The API server handles metadata itself; the schema may only constrain its name.
    if (path === '' && key === 'metadata') continue;
    const child = schema.properties?.[key] ?? schema.additionalProperties;
    if (!child) {
      if (schema.properties === undefined && schema.additionalProperties === undefined) continue;
      if (mode === 'reject') errors.push(fieldErrors.unknown(childPath(path, key)));
      delete value[key];
      continue;
    }
    if (value[key] === null && !child.nullable) {
      delete value[key];
      continue;
    }
    prune(value[key], child, childPath(path, key), mode, errors);
  }
}

/** Applies `default`s top-down, in place, the way structural defaulting does. */
export function applyDefaults(value: unknown, schema: JSONSchemaProps): void {
  if (Array.isArray(value) && schema.items) {
    for (const item of value) applyDefaults(item, schema.items);
    return;
  }
  if (!isPlainObject(value)) return;
  if (schema.properties) {
    for (const [key, child] of Object.entries(schema.properties)) {
      if (value[key] === undefined && child.default !== undefined) value[key] = clone(child.default);
      if (value[key] !== undefined) applyDefaults(value[key], child);
    }
  } else if (schema.additionalProperties) {
    for (const key of Object.keys(value)) applyDefaults(value[key], schema.additionalProperties);
  }
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(value: unknown, type: JSONSchemaProps['type']): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return true;
  }
}

const dateTime = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const regexCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    regexCache.set(pattern, re);
  }
  return re;
}

/** Stable key of a list item for `x-kubernetes-list-type: map` and `set` checks. */
function itemKey(item: unknown, keys: readonly string[] | undefined): string {
  if (keys) {
    const object = isPlainObject(item) ? item : {};
    return JSON.stringify(keys.map((k) => (k in object ? object[k] : { unspecified: true })));
  }
  return JSON.stringify(item);
}

/** The key fields of a map-list item that are set, as the Duplicate error shows them. */
function mapKeyValue(item: unknown, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (isPlainObject(item)) for (const k of keys) if (k in item) out[k] = item[k];
  return out;
}

/** Validates `value` against `schema`, appending errors. */
export function validateSchema(
  value: unknown,
  schema: JSONSchemaProps,
  path: string,
  errors: FieldError[],
): void {
  if (schema.type && !typeMatches(value, schema.type)) {
    const actual = jsonType(value);
    errors.push(
      fieldErrors.typeInvalid(path, actual, `${path} in body must be of type ${schema.type}: "${actual}"`),
    );
    if (schema.type === 'integer' && actual === 'number') {
      // The API server's format check adds this second error for a fractional integer.
      errors.push(
        fieldErrors.invalid('', '', `Checked value must be of type integer (default format) in ${path}`),
      );
    }
    // No early return: like kube-openapi, the other validators still run on what the value is.
  }
  if (schema.enum && !schema.enum.includes(value as string)) {
    errors.push(fieldErrors.notSupported(path, value, schema.enum));
  }
  if (typeof value === 'number') validateNumber(value, schema, path, errors);
  if (typeof value === 'string') validateString(value, schema, path, errors);
  if (Array.isArray(value)) validateArray(value, schema, path, errors);
  if (isPlainObject(value)) validateObject(value, schema, path, errors);
}

function validateNumber(value: number, schema: JSONSchemaProps, path: string, errors: FieldError[]): void {
  if (schema.minimum !== undefined) {
    const ok = schema.exclusiveMinimum ? value > schema.minimum : value >= schema.minimum;
    if (!ok) {
      const rel = schema.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      errors.push(fieldErrors.invalid(path, value, `${path} in body should be ${rel} ${schema.minimum}`));
    }
  }
  if (schema.maximum !== undefined) {
    const ok = schema.exclusiveMaximum ? value < schema.maximum : value <= schema.maximum;
    if (!ok) {
      const rel = schema.exclusiveMaximum ? 'less than' : 'less than or equal to';
      errors.push(fieldErrors.invalid(path, value, `${path} in body should be ${rel} ${schema.maximum}`));
    }
  }
}

function validateString(value: string, schema: JSONSchemaProps, path: string, errors: FieldError[]): void {
  // Like kube-openapi's string validator: only the first of length and pattern that fails.
  const length = [...value].length;
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    errors.push(fieldErrors.tooLong(path, schema.maxLength));
  } else if (schema.minLength !== undefined && length < schema.minLength) {
    errors.push(
      fieldErrors.invalid(path, value, `${path} in body should be at least ${schema.minLength} chars long`),
    );
  } else if (schema.pattern !== undefined && !regex(schema.pattern).test(value)) {
    errors.push(fieldErrors.invalid(path, value, `${path} in body should match '${schema.pattern}'`));
  }
  if (schema.format === 'date-time' && !dateTime.test(value)) {
    errors.push(fieldErrors.invalid(path, value, `${path} in body must be of type date-time: "${value}"`));
  }
}

function validateArray(value: unknown[], schema: JSONSchemaProps, path: string, errors: FieldError[]): void {
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    errors.push(fieldErrors.tooMany(path, value.length, schema.maxItems, 'items'));
  }
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    errors.push(
      fieldErrors.invalid(
        path,
        value.length,
        `${path} in body should have at least ${schema.minItems} items`,
      ),
    );
  }
  if (schema.items) {
    value.forEach((item, i) => {
      validateSchema(item, schema.items!, `${path}[${i}]`, errors);
    });
  }
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'set' || listType === 'map') validateListType(value, schema, path, errors);
}

/**
 * Uniqueness of `set` and `map` lists, as apiextensions' listtype validation
 * does it: a map list must hold objects (one error for the first that is
 * not), and a repeated value or key is reported once, at its second occurrence.
 */
function validateListType(
  value: unknown[],
  schema: JSONSchemaProps,
  path: string,
  errors: FieldError[],
): void {
  const keys =
    schema['x-kubernetes-list-type'] === 'map' ? (schema['x-kubernetes-list-map-keys'] ?? []) : undefined;
  if (keys) {
    const bad = value.findIndex((item) => item !== null && !isPlainObject(item));
    if (bad >= 0) {
      errors.push(
        fieldErrors.invalid(`${path}[${bad}]`, value[bad], 'must be an object for an array of list-type map'),
      );
      return;
    }
  }
  const seen = new Map<string, number>();
  value.forEach((item, i) => {
    const key = itemKey(item, keys);
    const times = seen.get(key) ?? 0;
    seen.set(key, times + 1);
    if (times === 1)
      errors.push(fieldErrors.duplicate(`${path}[${i}]`, keys ? mapKeyValue(item, keys) : item));
  });
}

function validateObject(
  value: Record<string, unknown>,
  schema: JSONSchemaProps,
  path: string,
  errors: FieldError[],
): void {
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) errors.push(fieldErrors.required(childPath(path, name)));
  }
  const count = Object.keys(value).length;
  if (schema.maxProperties !== undefined && count > schema.maxProperties) {
    errors.push(fieldErrors.tooMany(path, count, schema.maxProperties, 'properties'));
  }
  if (schema.minProperties !== undefined && count < schema.minProperties) {
    errors.push(
      fieldErrors.invalid(
        path,
        count,
        `${path} in body should have at least ${schema.minProperties} properties`,
      ),
    );
  }
  for (const [key, child] of Object.entries(value)) {
    const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
    if (childSchema) validateSchema(child, childSchema, childPath(path, key), errors);
  }
}
