import type { JSONSchemaProps, ValidationRule } from './json-schema.ts';

// Small typed builders so the schema reads like a table of fields. Each builder
// requires a description: `kubectl explain` is the API's manual.

type Extra = Omit<JSONSchemaProps, 'type' | 'description'>;

export function str(description: string, extra: Extra = {}): JSONSchemaProps {
  return { type: 'string', description, ...extra };
}

export function int(description: string, extra: Extra = {}): JSONSchemaProps {
  return { type: 'integer', description, ...extra };
}

export function num(description: string, extra: Extra = {}): JSONSchemaProps {
  return { type: 'number', description, ...extra };
}

export function bool(description: string, extra: Extra = {}): JSONSchemaProps {
  return { type: 'boolean', description, ...extra };
}

export function oneOf<const T extends readonly string[]>(
  description: string,
  values: T,
  extra: Extra & { default?: T[number] } = {},
): JSONSchemaProps {
  return { type: 'string', description, enum: values, ...extra };
}

export function arr(description: string, items: JSONSchemaProps, extra: Extra = {}): JSONSchemaProps {
  return { type: 'array', description, items, ...extra };
}

export function obj(
  description: string,
  properties: Record<string, JSONSchemaProps>,
  extra: Extra = {},
): JSONSchemaProps {
  return { type: 'object', description, properties, ...extra };
}

/** A string-keyed map: `additionalProperties` and no `properties` (structural rule). */
export function mapOf(description: string, values: JSONSchemaProps, extra: Extra = {}): JSONSchemaProps {
  return { type: 'object', description, additionalProperties: values, ...extra };
}

export function rule(
  expression: string,
  message: string,
  options: Omit<ValidationRule, 'rule' | 'message'> = {},
): ValidationRule {
  return { rule: expression, message, ...options };
}

// Money, quantities and prices travel as decimal strings, never floats.
// The patterns use RE2 syntax (no look-arounds), as the API server does.
const decimalDigits = '(0|[1-9][0-9]{0,17})(\\.[0-9]{1,18})?';
export const patterns = {
  /** A non-negative decimal: `0`, `12`, `0.05`, `1000.25`. */
  decimal: `^${decimalDigits}$`,
  /** A decimal that may be negative, for profit and loss: `-12.5`, `0`, `3.2`. */
  signedDecimal: `^-?${decimalDigits}$`,
  /** A strictly positive decimal: `1`, `0.5`, `250.00`; not `0` or `0.00`. */
  positiveDecimal: '^([1-9][0-9]{0,17}(\\.[0-9]{1,18})?|0\\.[0-9]{0,17}[1-9][0-9]{0,17})$',
  /** A percentage in (0, 100] with up to 4 decimals: `5`, `0.5`, `100`. */
  percent: '^(100(\\.0{1,4})?|[1-9][0-9]?(\\.[0-9]{1,4})?|0\\.[0-9]{0,3}[1-9][0-9]{0,3})$',
  /** A DNS-1123 label, as Kubernetes object names in references. */
  dnsLabel: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
  /** A DNS-1035 label: starts with a letter; valid as a Service name. */
  dns1035Label: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
  /** A DNS-1123 subdomain (Secret and ConfigMap names). */
  dnsSubdomain: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  /** A key inside a Secret or ConfigMap. */
  configKey: '^[-._a-zA-Z0-9]+$',
  /** A trading pair `BASE/QUOTE` in upper case: `BTC/USDT`. */
  symbol: '^[A-Z0-9]{2,12}/[A-Z0-9]{2,12}$',
  /** A currency or asset code: `USDT`, `BTC`. */
  currency: '^[A-Z0-9]{2,12}$',
} as const;

export function decimal(description: string, extra: Extra = {}): JSONSchemaProps {
  return str(`${description} A decimal string such as "1000" or "0.25" (no exponent, no sign).`, {
    pattern: patterns.decimal,
    maxLength: 40,
    'x-botcore-format': 'decimal string ≥ 0',
    ...extra,
  });
}

export function signedDecimal(description: string, extra: Extra = {}): JSONSchemaProps {
  return str(`${description} A decimal string that may be negative, such as "-12.5".`, {
    pattern: patterns.signedDecimal,
    maxLength: 41,
    'x-botcore-format': 'signed decimal string',
    ...extra,
  });
}

export function positiveDecimal(description: string, extra: Extra = {}): JSONSchemaProps {
  return str(`${description} A decimal string greater than zero, such as "1000" or "0.25".`, {
    pattern: patterns.positiveDecimal,
    maxLength: 40,
    'x-botcore-format': 'decimal string > 0',
    ...extra,
  });
}

export function percent(description: string, extra: Extra = {}): JSONSchemaProps {
  return str(
    `${description} A percentage as a decimal string in (0, 100] with at most 4 decimals, e.g. "5" for 5 %.`,
    {
      pattern: patterns.percent,
      maxLength: 8,
      'x-botcore-format': 'percentage string in (0, 100]',
      ...extra,
    },
  );
}

/** A reference to an object by name in the same namespace. */
export function localRef(description: string, what: string): JSONSchemaProps {
  return obj(
    description,
    {
      name: str(`Name of the ${what} in the same namespace.`, {
        pattern: patterns.dnsSubdomain,
        maxLength: 253,
      }),
    },
    { required: ['name'] },
  );
}

/** The standard `metav1.Condition`, as Kubernetes API conventions define it. */
export function conditions(description: string): JSONSchemaProps {
  return arr(
    description,
    obj(
      'A condition: one aspect of the current state, following the Kubernetes API conventions.',
      {
        type: str('Type of the condition in CamelCase, e.g. `Ready`.', {
          pattern:
            '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
          maxLength: 316,
        }),
        status: oneOf('Status of the condition.', ['True', 'False', 'Unknown'] as const),
        observedGeneration: int('The `.metadata.generation` the condition was set from.', {
          format: 'int64',
          minimum: 0,
        }),
        lastTransitionTime: str('When the condition last changed from one status to another (RFC 3339).', {
          format: 'date-time',
        }),
        reason: str('A programmatic identifier in CamelCase for the last transition.', {
          pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
          minLength: 1,
          maxLength: 1024,
        }),
        message: str('A human-readable message about the transition.', { maxLength: 32768 }),
      },
      {
        required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
        'x-botcore-type-name': 'Condition',
      },
    ),
    { maxItems: 16, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] },
  );
}
