import { Environment } from '@marcbachmann/cel-js';
import { describe, expect, it } from 'vitest';
import { isTransitionRule, validateCel } from '../validation/cel.ts';
import { applyDefaults, validateSchema } from '../validation/structural.ts';
import { kinds, rootSchema } from './index.ts';
import type { JSONSchemaProps } from './json-schema.ts';

// Lints the schema for what the API server demands of a structural schema and
// what CEL cost estimation needs, so a bad schema fails here before a cluster sees it.

interface Node {
  path: string;
  schema: JSONSchemaProps;
}

function nodes(schema: JSONSchemaProps, path: string, out: Node[] = []): Node[] {
  out.push({ path, schema });
  for (const [name, child] of Object.entries(schema.properties ?? {})) nodes(child, `${path}.${name}`, out);
  if (schema.items) nodes(schema.items, `${path}[]`, out);
  if (schema.additionalProperties) nodes(schema.additionalProperties, `${path}{}`, out);
  return out;
}

const all = kinds.flatMap((k) => nodes(rootSchema(k), k.kind));

describe('schema', () => {
  it('types and describes every field', () => {
    expect(all.filter((n) => !n.schema.type).map((n) => n.path)).toEqual([]);
    // metadata takes no description; the API server documents it.
    const undocumented = all.filter((n) => !n.schema.description && !/\.metadata(\.|$)/.test(n.path));
    expect(undocumented.map((n) => n.path)).toEqual([]);
  });

  it('never mixes properties and additionalProperties', () => {
    expect(
      all.filter((n) => n.schema.properties && n.schema.additionalProperties).map((n) => n.path),
    ).toEqual([]);
  });

  it('bounds every list and free string, so CEL cost estimates stay within budget', () => {
    expect(
      all.filter((n) => n.schema.type === 'array' && n.schema.maxItems === undefined).map((n) => n.path),
    ).toEqual([]);
    const unbounded = all.filter(
      (n) =>
        n.schema.type === 'string' &&
        n.schema.maxLength === undefined &&
        !n.schema.enum &&
        n.schema.format !== 'date-time' &&
        !/^\w+\.(apiVersion|kind)$/.test(n.path),
    );
    expect(unbounded.map((n) => n.path)).toEqual([]);
  });

  it('uses whole-number bounds only', () => {
    // The API server compares an integer-valued number with a truncated bound
    // (minimum 0.5 lets 0 through), so fractional bounds would be silently weaker.
    const fractional = all.filter(
      (n) =>
        (n.schema.minimum !== undefined && !Number.isInteger(n.schema.minimum)) ||
        (n.schema.maximum !== undefined && !Number.isInteger(n.schema.maximum)),
    );
    expect(fractional.map((n) => n.path)).toEqual([]);
  });

  it('requires the keys of every list map', () => {
    for (const n of all.filter((x) => x.schema['x-kubernetes-list-type'] === 'map')) {
      for (const key of n.schema['x-kubernetes-list-map-keys'] ?? []) {
        expect({ path: n.path, required: n.schema.items?.required?.includes(key) }).toEqual({
          path: n.path,
          required: true,
        });
      }
    }
  });

  it('has valid defaults', () => {
    for (const n of all.filter((x) => x.schema.default !== undefined)) {
      // The API server checks CEL rules on a default as written, before nested defaults.
      const celErrors: unknown[] = [];
      validateCel(structuredClone(n.schema.default), undefined, n.schema, n.path, celErrors as never[]);
      expect({ path: n.path, celErrors }).toEqual({ path: n.path, celErrors: [] });
      const value = structuredClone(n.schema.default);
      applyDefaults(value, n.schema);
      const errors: unknown[] = [];
      validateSchema(value, n.schema, n.path, errors as never[]);
      expect({ path: n.path, errors }).toEqual({ path: n.path, errors: [] });
    }
  });

  it('has examples that are valid for their field', () => {
    for (const n of all.filter((x) => x.schema['x-botcore-example'] !== undefined)) {
      const value = structuredClone(n.schema['x-botcore-example']);
      applyDefaults(value, n.schema);
      const errors: unknown[] = [];
      validateSchema(value, n.schema, n.path, errors as never[]);
      validateCel(value, undefined, n.schema, n.path, errors as never[]);
      expect({ path: n.path, errors }).toEqual({ path: n.path, errors: [] });
    }
  });

  it('has CEL rules that parse and type-check, each with a message', () => {
    const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
    for (const n of all) {
      for (const r of n.schema['x-kubernetes-validations'] ?? []) {
        expect(r.message.length).toBeGreaterThan(0);
        expect({ path: n.path, rule: r.rule, valid: env.check(r.rule).valid }).toEqual({
          path: n.path,
          rule: r.rule,
          valid: true,
        });
      }
    }
  });

  it('makes the exchange and the capital currency immutable, and nothing else', () => {
    const immutable = all
      .filter((n) => (n.schema['x-kubernetes-validations'] ?? []).some(isTransitionRule))
      .map((n) => n.path);
    expect(immutable).toEqual(['TradingBot.spec.exchange.name', 'TradingBot.spec.capital.currency']);
  });
});
