// The API's single source of truth, for the operator and the runtime: the
// generated types, the schema they come from, and the validator that gives
// the API server's verdicts outside a cluster.

export type * from './generated/types.ts';
export type { JSONSchemaProps, KindDefinition, PrinterColumn, ValidationRule } from './schema/index.ts';
export {
  botPhases,
  exchanges,
  kinds,
  riskPolicy,
  strategyTypes,
  timeframes,
  tradingBot,
} from './schema/index.ts';
export { type FieldError, type FieldErrorType, formatFieldError } from './validation/field-error.ts';
export { loadManifests, parseManifests } from './validation/manifests.ts';
export {
  assertValid,
  describeErrors,
  InvalidManifestError,
  kindOf,
  tradingBotSpec,
  type ValidateOptions,
  type ValidationResult,
  validateManifest,
  validateObject,
  validateRiskPolicy,
  validateTradingBot,
} from './validation/validate.ts';
