// The subset of the Kubernetes OpenAPI v3 schema (JSONSchemaProps) that the
// Bot Core CRDs use. The CRD YAML, the TypeScript types, the API reference and
// the runtime validator are all derived from values of this type.

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

/** A CEL rule as the API server reads it from `x-kubernetes-validations`. */
export interface ValidationRule {
  rule: string;
  /** The message; also the fallback when `messageExpression` fails. */
  message: string;
  /** CEL that builds the message from the values (a string without line breaks). */
  messageExpression?: string;
  /** Relative JSONPath (e.g. `.riskPolicyRef`) the error is reported at. */
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  /** Rules that read `oldSelf` are transition rules, checked on updates only. */
  optionalOldSelf?: boolean;
}

export interface JSONSchemaProps {
  type?: SchemaType;
  description?: string;
  format?: string;
  default?: unknown;
  enum?: readonly (string | number | boolean)[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  items?: JSONSchemaProps;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps;
  required?: readonly string[];
  nullable?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: readonly string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: readonly ValidationRule[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  /** Not sent to the API server: an example shown in docs/api.md. */
  'x-botcore-example'?: unknown;
  /** Not sent to the API server: the TypeScript type name for this object. */
  'x-botcore-type-name'?: string;
  /** Not sent to the API server: a readable name of `pattern` for docs/api.md. */
  'x-botcore-format'?: string;
}

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
  priority?: number;
  format?: string;
}

/** One kind: everything needed to render its CRD, types and docs. */
export interface KindDefinition {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  listKind: string;
  shortNames: readonly string[];
  categories: readonly string[];
  description: string;
  spec: JSONSchemaProps;
  status: JSONSchemaProps;
  /** Constraints on `metadata.name` (the only metadata a CRD may constrain), if any. */
  name?: JSONSchemaProps;
  printerColumns: readonly PrinterColumn[];
}

/** Keys that only the generator and docs read; stripped from the CRD YAML. */
export const localOnlyKeys = ['x-botcore-example', 'x-botcore-type-name', 'x-botcore-format'] as const;
