import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../schema/json-schema.ts';
import { validateCel } from './cel.ts';
import { type FieldError, formatFieldError } from './field-error.ts';

const schema = (messageExpression: string): JSONSchemaProps => ({
  type: 'object',
  properties: { a: { type: 'integer' }, b: { type: 'integer' } },
  'x-kubernetes-validations': [
    { rule: 'self.a < self.b', message: 'a must be lower than b', messageExpression },
  ],
});

function messages(value: unknown, s: JSONSchemaProps): string[] {
  const errors: FieldError[] = [];
  validateCel(value, undefined, s, 'spec', errors);
  return errors.map(formatFieldError);
}

describe('CEL rules', () => {
  it('pass integers as CEL int, so int literals compare with them', () => {
    expect(messages({ a: 1, b: 2 }, schema('"x"'))).toEqual([]);
  });

  it('use messageExpression for the message', () => {
    expect(messages({ a: 3, b: 2 }, schema("'a (' + string(self.a) + ') must be lower than b'"))).toEqual([
      'spec: Invalid value: a (3) must be lower than b',
    ]);
  });

  it('fall back to message when messageExpression fails, is blank or spans lines', () => {
    for (const expression of ['self.missing', "'  '", "'two\\nlines'", '42']) {
      expect(messages({ a: 3, b: 2 }, schema(expression))).toEqual([
        'spec: Invalid value: a must be lower than b',
      ]);
    }
  });

  it('report a rule that fails to evaluate, in the API server shape', () => {
    const errors: FieldError[] = [];
    validateCel({ a: 1 }, undefined, schema('"x"'), 'spec', errors);
    expect(errors).toHaveLength(1);
    expect(formatFieldError(errors[0]!)).toMatch(
      /^spec: Invalid value: "object": .* evaluating rule: a must be lower than b$/,
    );
  });

  it('run transition rules only with an old value, correlating map-list items by key', () => {
    const list: JSONSchemaProps = {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          v: {
            type: 'string',
            'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'immutable' }],
          },
        },
      },
    };
    const errors: FieldError[] = [];
    validateCel(
      [
        { name: 'x', v: '2' },
        { name: 'y', v: '1' },
      ],
      undefined,
      list,
      'l',
      errors,
    );
    expect(errors).toEqual([]);
    validateCel(
      [
        { name: 'y', v: '1' },
        { name: 'x', v: '2' },
      ],
      [
        { name: 'x', v: '1' },
        { name: 'y', v: '1' },
      ],
      list,
      'l',
      errors,
    );
    expect(errors.map(formatFieldError)).toEqual(['l[1].v: Invalid value: "2": immutable']);
  });
});
