import type { JSONSchemaProps, KindDefinition } from './json-schema.ts';
import { riskPolicy } from './riskpolicy.ts';
import { tradingBot } from './tradingbot.ts';

export type { JSONSchemaProps, KindDefinition, PrinterColumn, ValidationRule } from './json-schema.ts';
export { riskPolicy } from './riskpolicy.ts';
export { strategyTypes } from './strategies.ts';
export { botPhases, exchanges, timeframes, tradingBot } from './tradingbot.ts';

/** Every kind of the API group, in the order the docs present them. */
export const kinds: readonly KindDefinition[] = [tradingBot, riskPolicy];

/** Whether `spec` may be omitted (every field of it has a default). */
export function specIsOptional(kind: KindDefinition): boolean {
  return kind.spec.default !== undefined;
}

/** The whole object's schema, as in `versions[].schema.openAPIV3Schema`. */
export function rootSchema(kind: KindDefinition): JSONSchemaProps {
  return {
    type: 'object',
    description: kind.description,
    properties: {
      apiVersion: {
        type: 'string',
        description:
          'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
      },
      kind: {
        type: 'string',
        description:
          'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. In CamelCase.',
      },
      // The API server allows nothing here but the type and constraints on name and generateName.
      metadata: kind.name ? { type: 'object', properties: { name: kind.name } } : { type: 'object' },
      spec: kind.spec,
      status: kind.status,
    },
    ...(specIsOptional(kind) ? {} : { required: ['spec'] }),
  };
}
