// Field errors in the shape of the API server's (k8s.io/apimachinery
// pkg/util/validation/field): a path such as `spec.strategies[0].rsi.period`,
// a type, and a message rendered the same way.

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'FieldValueUnknown';

export interface FieldError {
  type: FieldErrorType;
  /** Path of the offending field, e.g. `spec.strategies[0].rsi.period`; empty for the whole object. */
  field: string;
  /** The offending value, where the API server shows one (absent: the message shows none). */
  badValue?: unknown;
  detail: string;
}

/** Go's %v/%q for the values that appear in messages. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null) return 'null';
  if (value === undefined) return '<nil>';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function body(error: FieldError): string {
  const tail = error.detail ? `: ${error.detail}` : '';
  switch (error.type) {
    case 'FieldValueRequired':
      return `Required value${tail}`;
    case 'FieldValueForbidden':
      return `Forbidden${tail}`;
    case 'FieldValueNotSupported':
      return `Unsupported value: ${show(error.badValue)}${tail}`;
    case 'FieldValueDuplicate':
      return `Duplicate value: ${show(error.badValue)}`;
    case 'FieldValueTooLong':
      return `Too long${tail}`;
    case 'FieldValueTooMany':
      return `Too many: ${show(error.badValue)}${tail}`;
    case 'FieldValueUnknown':
      return `Unknown field${tail}`;
    default:
      return 'badValue' in error ? `Invalid value: ${show(error.badValue)}${tail}` : `Invalid value${tail}`;
  }
}

/**
 * `spec.x: Invalid value: 0: spec.x in body should be greater than or equal to 2`.
 * An error about the whole object has no field, which the API server prints as `<nil>`.
 */
export function formatFieldError(error: FieldError): string {
  return `${error.field || '<nil>'}: ${body(error)}`;
}

export const fieldErrors = {
  required: (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail }),
  invalid: (field: string, badValue: unknown, detail: string): FieldError => ({
    type: 'FieldValueInvalid',
    field,
    badValue,
    detail,
  }),
  /** An invalid value that the message does not repeat (CEL rules on objects and lists). */
  invalidNoValue: (field: string, detail: string): FieldError => ({
    type: 'FieldValueInvalid',
    field,
    detail,
  }),
  typeInvalid: (field: string, badValue: unknown, detail: string): FieldError => ({
    type: 'FieldValueTypeInvalid',
    field,
    badValue,
    detail,
  }),
  notSupported: (field: string, badValue: unknown, supported: readonly unknown[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    badValue,
    detail: `supported values: ${supported.map(show).join(', ')}`,
  }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail }),
  duplicate: (field: string, badValue: unknown): FieldError => ({
    type: 'FieldValueDuplicate',
    field,
    badValue,
    detail: '',
  }),
  tooLong: (field: string, max: number): FieldError => ({
    type: 'FieldValueTooLong',
    field,
    detail: `may not be more than ${max} bytes`,
  }),
  tooMany: (field: string, actual: number, max: number, what: 'items' | 'properties'): FieldError => ({
    type: 'FieldValueTooMany',
    field,
    badValue: actual,
    detail: `must have at most ${max} ${what}`,
  }),
  unknown: (field: string): FieldError => ({
    type: 'FieldValueUnknown',
    field,
    detail: `unknown field "${field}"`,
  }),
};
