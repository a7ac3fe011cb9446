// The validators the runtime runs at boot (config, policy) and the operator
// runs on every report it receives: the same pipeline as the CRDs' (unknown
// fields rejected, defaults applied, OpenAPI schema checked).

import type { JSONSchemaProps } from '../schema/json-schema.ts';
import { type FieldError, formatFieldError } from '../validation/field-error.ts';
import { applyDefaults, isPlainObject, prune, validateSchema } from '../validation/structural.ts';
import { riskPolicyDocumentSchema, runtimeConfigSchema, runtimeReportSchema } from './schema.ts';
import type { RiskPolicyDocument, RuntimeConfig, RuntimeReport } from './types.ts';

export type ContractResult<T> =
  | { readonly valid: true; readonly value: T; readonly errors: readonly [] }
  | { readonly valid: false; readonly value: unknown; readonly errors: readonly FieldError[] };

function validateAgainst<T>(schema: JSONSchemaProps, input: unknown): ContractResult<T> {
  const value: unknown = JSON.parse(JSON.stringify(input ?? null));
  const errors: FieldError[] = [];
  if (!isPlainObject(value)) {
    return {
      valid: false,
      value,
      errors: [{ type: 'FieldValueTypeInvalid', field: '', badValue: value, detail: 'must be an object' }],
    };
  }
  prune(value, schema, '', 'reject', errors);
  if (errors.length > 0) return { valid: false, value, errors };
  applyDefaults(value, schema);
  validateSchema(value, schema, '', errors);
  return errors.length === 0
    ? { valid: true, value: value as T, errors: [] }
    : { valid: false, value, errors };
}

export function validateRuntimeConfig(input: unknown): ContractResult<RuntimeConfig> {
  return validateAgainst<RuntimeConfig>(runtimeConfigSchema, input);
}

export function validateRiskPolicyDocument(input: unknown): ContractResult<RiskPolicyDocument> {
  return validateAgainst<RiskPolicyDocument>(riskPolicyDocumentSchema, input);
}

export function validateRuntimeReport(input: unknown): ContractResult<RuntimeReport> {
  return validateAgainst<RuntimeReport>(runtimeReportSchema, input);
}

/** One line per error, as the API server words them. */
export function describeContractErrors(errors: readonly FieldError[]): string {
  return errors.map(formatFieldError).join('; ');
}
