import { Environment } from '@marcbachmann/cel-js';
import type { JSONSchemaProps, ValidationRule } from '../schema/json-schema.ts';
import { type FieldError, fieldErrors } from './field-error.ts';
import { childPath, isPlainObject } from './structural.ts';

// Evaluates `x-kubernetes-validations` the way the API server does: each rule
// runs on every present value of its schema node with `self` bound to it, and
// rules that read `oldSelf` (transition rules) run only on updates where the
// old value can be correlated (same property; map-list items by key).
//
// Evaluator: @marcbachmann/cel-js. It has the standard macros (all, exists,
// exists_one, map, filter), has(), size(), string functions and double(),
// which are all the rules use. Kubernetes' own CEL libraries (quantity(),
// url(), isSorted()...) are not used by the schema, so their absence is moot.

const env = new Environment({
  unlistedVariablesAreDyn: true,
  homogeneousAggregateLiterals: false,
});

type Program = ReturnType<Environment['parse']>;
const programs = new Map<string, Program>();

function program(expression: string): Program {
  let p = programs.get(expression);
  if (!p) {
    p = env.parse(expression);
    programs.set(expression, p);
  }
  return p;
}

/** Whether a rule is a transition rule (needs the old value). */
export function isTransitionRule(rule: ValidationRule): boolean {
  return /\boldSelf\b/.test(rule.rule);
}

/** Converts a JSON value into CEL values following the schema: integers become BigInt (CEL int). */
export function toCel(value: unknown, schema: JSONSchemaProps | undefined): unknown {
  if (value === undefined || value === null) return value;
  if (schema?.type === 'integer' && typeof value === 'number') return BigInt(value);
  if (Array.isArray(value)) return value.map((item) => toCel(item, schema?.items));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = toCel(child, schema?.properties?.[key] ?? schema?.additionalProperties);
    }
    return out;
  }
  return value;
}

/** `.riskPolicyRef` or `.exchange.credentialsSecretRef` appended to `path`. */
function withFieldPath(path: string, fieldPath: string | undefined): string {
  if (!fieldPath) return path;
  return fieldPath
    .split('.')
    .filter((part) => part !== '')
    .reduce((acc, part) => childPath(acc, part), path);
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** `messageExpression` when it yields a non-blank one-line string, else `message`, as the API server does. */
function messageOf(rule: ValidationRule, vars: Record<string, unknown>): string {
  if (!rule.messageExpression) return rule.message;
  try {
    const text: unknown = program(rule.messageExpression)(vars);
    if (typeof text === 'string' && text.trim() !== '' && !text.includes('\n')) return text;
  } catch {
    // Falls back to `message`.
  }
  return rule.message;
}

/** The API server shows the value of a scalar `self` and omits objects and lists. */
function ruleError(
  rule: ValidationRule,
  value: unknown,
  path: string,
  vars: Record<string, unknown>,
): FieldError {
  const field = withFieldPath(path, rule.fieldPath);
  const message = messageOf(rule, vars);
  switch (rule.reason) {
    case 'FieldValueRequired':
      return fieldErrors.required(field, message);
    case 'FieldValueForbidden':
      return fieldErrors.forbidden(field, message);
    case 'FieldValueDuplicate':
      return { ...fieldErrors.duplicate(field, message), detail: message };
    default:
      return isScalar(value)
        ? fieldErrors.invalid(field, value, message)
        : fieldErrors.invalidNoValue(field, message);
  }
}

function evaluateRules(
  value: unknown,
  old: unknown,
  schema: JSONSchemaProps,
  path: string,
  errors: FieldError[],
): void {
  const rules = schema['x-kubernetes-validations'];
  if (!rules || rules.length === 0) return;
  const self = toCel(value, schema);
  const oldSelf = old === undefined ? undefined : toCel(old, schema);
  for (const rule of rules) {
    const transition = isTransitionRule(rule);
    if (transition && oldSelf === undefined) continue;
    const vars = transition ? { self, oldSelf } : { self };
    let ok: unknown;
    try {
      ok = program(rule.rule)(vars);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      // The API server's shape: `Invalid value: "object": <error> evaluating rule: <message>`.
      errors.push(
        fieldErrors.invalid(path, schema.type ?? 'object', `${reason} evaluating rule: ${rule.message}`),
      );
      continue;
    }
    if (ok !== true) errors.push(ruleError(rule, value, path, vars));
  }
}

/** Runs every CEL rule of `schema` and its descendants over `value` (and `old` on updates). */
export function validateCel(
  value: unknown,
  old: unknown,
  schema: JSONSchemaProps,
  path: string,
  errors: FieldError[],
): void {
  if (value === undefined) return;
  evaluateRules(value, old, schema, path, errors);
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    const keys = schema['x-kubernetes-list-map-keys'];
    const correlate = schema['x-kubernetes-list-type'] === 'map' && keys && Array.isArray(old);
    value.forEach((item, i) => {
      const oldItem = correlate
        ? (old as unknown[]).find(
            (o) => isPlainObject(o) && isPlainObject(item) && keys.every((k) => o[k] === item[k]),
          )
        : undefined;
      validateCel(item, oldItem, items, `${path}[${i}]`, errors);
    });
    return;
  }
  if (isPlainObject(value)) {
    const oldObject = isPlainObject(old) ? old : undefined;
    for (const [key, child] of Object.entries(value)) {
      const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
      if (childSchema) validateCel(child, oldObject?.[key], childSchema, childPath(path, key), errors);
    }
  }
}
