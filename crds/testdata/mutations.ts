// Random manifests for differential and property tests: a valid base object
// with one to three mutations, each setting a field found by walking the schema
// to a value near its bounds, of the wrong type, or malformed (or deleting it).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { riskPolicy, tradingBot } from '../schema/index.ts';
import type { JSONSchemaProps } from '../schema/json-schema.ts';
import { parseManifests } from '../validation/manifests.ts';
import { baseBot, basePolicy, type Loose } from './invalid-corpus.ts';

export type PathPart = string | number;

export interface Mutation {
  path: PathPart[];
  /** `undefined` deletes the field. */
  value: unknown;
}

interface Leaf {
  path: PathPart[];
  schema: JSONSchemaProps;
}

/** Every node of a schema, with array items at index 0 (and 1) and map values under `k`. */
export function schemaLeaves(
  schema: JSONSchemaProps,
  path: PathPart[] = [],
  depth = 0,
  out: Leaf[] = [],
): Leaf[] {
  out.push({ path, schema });
  if (depth > 8) return out;
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    schemaLeaves(child, [...path, name], depth + 1, out);
  }
  if (schema.items) {
    schemaLeaves(schema.items, [...path, 0], depth + 1, out);
    schemaLeaves(schema.items, [...path, 1], depth + 1, out);
  }
  if (schema.additionalProperties) schemaLeaves(schema.additionalProperties, [...path, 'k'], depth + 1, out);
  return out;
}

const interestingStrings = [
  '',
  '0',
  '1',
  '0.5',
  '0.00',
  '-1',
  '100',
  '100.5',
  '150',
  '1e3',
  '5%',
  'abc',
  'BTC/USDT',
  'ETH/USDT',
  'btc/usdt',
  'ETH/EUR',
  'USDT',
  'usdt',
  '250m',
  '1Gi',
  'https://llm.example.com/v1',
  'ftp://x',
  '/models/m.onnx',
  'model.onnx',
  'my-name',
  'My_Name',
  '2026-01-01T00:00:00Z',
];

/** Values worth trying for a schema node. */
export function candidates(schema: JSONSchemaProps): unknown[] {
  const out: unknown[] = [undefined, null];
  switch (schema.type) {
    case 'boolean':
      out.push(true, false, 'true', 1);
      break;
    case 'integer':
    case 'number': {
      const { minimum: min, maximum: max } = schema;
      out.push(0, 1, -1, 2.5, '3');
      if (min !== undefined) out.push(min, min - 1, min + 0.5);
      if (max !== undefined) out.push(max, max + 1, max - 0.5);
      break;
    }
    case 'string':
      if (schema.enum) out.push(...schema.enum, 'Bogus');
      out.push(...interestingStrings, 7);
      if (schema.maxLength !== undefined && schema.maxLength <= 300)
        out.push('a'.repeat(schema.maxLength + 1));
      break;
    case 'array':
      out.push([], 'BTC/USDT', { duplicateFirst: true });
      break;
    case 'object':
      out.push({}, 'text', { unknownField: 1 });
      break;
  }
  return out;
}

export function applyMutation(target: Loose, mutation: Mutation): void {
  let node: Loose = target;
  for (let i = 0; i < mutation.path.length - 1; i++) {
    const key = mutation.path[i]!;
    const next = mutation.path[i + 1]!;
    if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object') {
      node[key] = typeof next === 'number' ? [] : {};
    }
    node = node[key];
  }
  const last = String(mutation.path[mutation.path.length - 1]!);
  const index = Number(last);
  const value = mutation.value;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(index, 1);
    else delete node[last];
  } else if (typeof value === 'object' && value !== null && 'duplicateFirst' in value) {
    const list = node[last];
    node[last] = Array.isArray(list) && list.length > 0 ? [...list, structuredClone(list[0])] : [];
  } else if (Array.isArray(node) && index > node.length) {
    node.push(structuredClone(value));
  } else {
    (node as Loose)[last] = structuredClone(value);
  }
}

const botLeaves = schemaLeaves(tradingBot.spec, ['spec']).filter((l) => l.path.length > 1);
const policyLeaves = schemaLeaves(riskPolicy.spec, ['spec']).filter((l) => l.path.length > 1);

function mutationOf(leaves: Leaf[]): fc.Arbitrary<Mutation> {
  return fc
    .constantFrom(...leaves)
    .chain((leaf) =>
      fc.constantFrom(...candidates(leaf.schema)).map((value) => ({ path: leaf.path, value })),
    );
}

export interface MutatedManifest {
  manifest: Loose;
  mutations: Mutation[];
}

function mutated(base: () => Loose, leaves: Leaf[]): fc.Arbitrary<MutatedManifest> {
  return fc.array(mutationOf(leaves), { minLength: 1, maxLength: 3 }).map((mutations) => {
    const manifest = base();
    for (const m of mutations) applyMutation(manifest, m);
    return { manifest, mutations };
  });
}

const examplesDir = join(import.meta.dirname, '..', '..', 'examples');

/** The example objects of one kind, renamed so that they never clash with real ones. */
function examplesOf(kind: string): Loose[] {
  const out: Loose[] = [];
  for (const dir of ['bots', 'policies']) {
    for (const file of readdirSync(join(examplesDir, dir)).sort()) {
      for (const doc of parseManifests(readFileSync(join(examplesDir, dir, file), 'utf8')) as Loose[]) {
        if (doc.kind === kind) out.push({ ...doc, metadata: { name: `fuzz-${doc.metadata.name}` } });
      }
    }
  }
  return out;
}

const botBases = [baseBot('fuzz-bot'), ...examplesOf('TradingBot')];
const policyBases = [basePolicy('fuzz-policy'), ...examplesOf('RiskPolicy')];

/** Every base the mutations start from; each has its own name, so a test can create them all first. */
export const fuzzBases: readonly Loose[] = [...botBases, ...policyBases];

function mutatedFrom(bases: Loose[], leaves: Leaf[]): fc.Arbitrary<MutatedManifest> {
  return fc.constantFrom(...bases).chain((base) => mutated(() => structuredClone(base), leaves));
}

/** A TradingBot or RiskPolicy built from a valid base (minimal or an example) and 1-3 random mutations. */
export const mutatedManifest: fc.Arbitrary<MutatedManifest> = fc.oneof(
  { weight: 3, arbitrary: mutatedFrom(botBases, botLeaves) },
  { weight: 1, arbitrary: mutatedFrom(policyBases, policyLeaves) },
);
