import { stringify } from 'yaml';
import type { JSONSchemaProps, KindDefinition } from '../schema/json-schema.ts';

// Renders docs/api.md: one section per kind, one subsection per field group
// (a top-level field of spec), each with its fields, rules and an example.

function typeLabel(schema: JSONSchemaProps): string {
  if (schema.enum) return `enum: ${schema.enum.map((v) => `\`${v}\``).join(', ')}`;
  if (schema.type === 'array') return `[]${typeLabel(schema.items ?? {})}`;
  if (schema.type === 'object' && schema.additionalProperties && !schema.properties) {
    return `map[string]${typeLabel(schema.additionalProperties)}`;
  }
  return schema.type ?? 'any';
}

function constraints(schema: JSONSchemaProps, required: boolean): string {
  const parts: string[] = [];
  if (required) parts.push('required');
  if (schema.minimum !== undefined) parts.push(`${schema.exclusiveMinimum ? '>' : '≥'} ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`${schema.exclusiveMaximum ? '<' : '≤'} ${schema.maximum}`);
  if (schema.minLength !== undefined) parts.push(`min length ${schema.minLength}`);
  if (schema.maxLength !== undefined) parts.push(`max length ${schema.maxLength}`);
  if (schema.minItems !== undefined) parts.push(`min items ${schema.minItems}`);
  if (schema.maxItems !== undefined) parts.push(`max items ${schema.maxItems}`);
  if (schema.maxProperties !== undefined) parts.push(`max entries ${schema.maxProperties}`);
  if (schema['x-botcore-format'] !== undefined) parts.push(schema['x-botcore-format']);
  else if (schema.pattern !== undefined) parts.push(`pattern \`${schema.pattern}\``);
  if (schema.format !== undefined) parts.push(`format ${schema.format}`);
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'set') parts.push('unique items');
  if (listType === 'map') parts.push(`unique by ${(schema['x-kubernetes-list-map-keys'] ?? []).join(', ')}`);
  for (const r of schema['x-kubernetes-validations'] ?? []) {
    parts.push(r.rule.includes('oldSelf') ? `immutable` : `rule: ${r.message}`);
  }
  return parts.join('; ');
}

function cell(text: string): string {
  return text.replaceAll('\n', ' ').replaceAll('|', '\\|');
}

interface Row {
  path: string;
  schema: JSONSchemaProps;
  required: boolean;
}

function rows(schema: JSONSchemaProps, path: string, required: boolean, out: Row[]): void {
  out.push({ path, schema, required });
  const target = schema.type === 'array' ? (schema.items ?? {}) : schema;
  const base = schema.type === 'array' ? `${path}[]` : path;
  const req = new Set(target.required ?? []);
  for (const [name, child] of Object.entries(target.properties ?? {})) {
    rows(child, `${base}.${name}`, req.has(name), out);
  }
}

/** An example for a schema node: its own, else its default, else built from its children. */
export function exampleOf(schema: JSONSchemaProps): unknown {
  if (schema['x-botcore-example'] !== undefined) return schema['x-botcore-example'];
  if (schema.default !== undefined && !(schema.type === 'object' && schema.properties)) return schema.default;
  if (schema.type === 'object' && schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(schema.properties)) {
      const value = exampleOf(child);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }
  if (schema.type === 'array' && schema.items) {
    const item = exampleOf(schema.items);
    return item === undefined ? undefined : [item];
  }
  if (schema.enum) return schema.enum[0];
  return undefined;
}

/** A Markdown table with padded columns, as Biome's formatter writes them. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) =>
    Math.max(3, [...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join(' | ')} |\n`;
  return line(header) + line(widths.map((w) => '-'.repeat(w))) + rows.map(line).join('');
}

function fieldTable(list: Row[]): string {
  return table(
    ['Field', 'Type', 'Default', 'Constraints', 'Description'],
    list.map((row) => [
      `\`${row.path}\``,
      cell(typeLabel(row.schema)),
      row.schema.default === undefined ? '' : cell(`\`${JSON.stringify(row.schema.default)}\``),
      cell(constraints(row.schema, row.required)),
      cell(row.schema.description ?? ''),
    ]),
  );
}

function kindSection(kind: KindDefinition): string {
  let out = `## ${kind.kind}\n\n${kind.description}\n\n`;
  out += `- API version: \`${kind.group}/${kind.version}\`, namespaced, status subresource\n`;
  out += `- Names: \`${kind.plural}\`, \`${kind.singular}\`, short names ${kind.shortNames.map((s) => `\`${s}\``).join(', ')}; categories ${kind.categories.map((c) => `\`${c}\``).join(', ')}\n`;
  if (kind.name) {
    out += `- Object names: at most ${kind.name.maxLength} characters matching \`${kind.name.pattern}\` (a DNS-1035 label)\n`;
  }
  out += '\n';
  out += `### Columns of \`kubectl get ${kind.shortNames[0]}\`\n\n`;
  out += table(
    ['Column', 'From', 'Shown'],
    kind.printerColumns.map((c) => [
      c.name,
      `\`${cell(c.jsonPath)}\``,
      c.priority ? 'with `-o wide`' : 'always',
    ]),
  );
  out += '\n';

  const specRules = kind.spec['x-kubernetes-validations'] ?? [];
  out += `### spec\n\n${kind.spec.description ?? ''}\n\n`;
  if (kind.spec.default !== undefined) out += 'It may be omitted: every field has a default.\n\n';
  if (specRules.length > 0) {
    out += 'Rules across fields (checked by the API server and by `crds/validation`):\n\n';
    for (const r of specRules) out += `- \`${r.fieldPath ? `spec${r.fieldPath}` : 'spec'}\`: ${r.message}\n`;
    out += '\n';
  }
  const specRequired = new Set(kind.spec.required ?? []);
  for (const [name, child] of Object.entries(kind.spec.properties ?? {})) {
    const list: Row[] = [];
    rows(child, `spec.${name}`, specRequired.has(name), list);
    out += `#### spec.${name}\n\n${child.description ?? ''}\n\n${fieldTable(list)}\n`;
    const example = exampleOf(child);
    if (example !== undefined) {
      out += `Example:\n\n\`\`\`yaml\n${stringify({ spec: { [name]: example } }, { lineWidth: 0 })}\`\`\`\n\n`;
    }
  }
  const statusRows: Row[] = [];
  rows(kind.status, 'status', false, statusRows);
  out += `### status\n\n${kind.status.description ?? ''}\n\n${fieldTable(statusRows.slice(1))}\n`;
  return out;
}

export function renderApiDocs(kinds: readonly KindDefinition[]): string {
  let out = `<!-- Generated by \`npm run gen\` from crds/schema/. Do not edit by hand. -->
# API reference: \`trading.botcore.dev/v1alpha1\`

The API is defined once, in TypeScript, under \`crds/schema/\`. From it \`npm run gen\` writes the
CustomResourceDefinitions (\`crds/*.yaml\`), the TypeScript types (\`crds/generated/types.ts\`) and this
page; the runtime validator (\`crds/validation/\`) reads the same schema, so \`botcore run\` and
\`botcore backtest\` reject a manifest with the same field and message as the API server.

Conventions used throughout:

- Money, prices and quantities are decimal strings (\`"1000"\`, \`"0.25"\`): no floats, no exponent.
- Percentages are decimal strings in percent units (\`"5"\` is 5 %) with at most 4 decimals.
- Indicator parameters are bounded numbers; every bound is enforced by the API server.
- A strategy is a union: \`type\` names the kind, and the member of the same name (\`rsi\`, \`macd\`,
  \`bollinger\`, \`volume\`, \`stochastic\`, \`onnx\`) holds its parameters with their own defaults and
  bounds. Only that member is allowed; \`{}\` selects all defaults.
- Fields marked immutable cannot change once the object exists; the API server says so on update.
- Examples of whole objects are in \`examples/\`; design decisions are in \`crds/README.md\`.

`;
  for (const kind of kinds) out += kindSection(kind);
  return `${out.trimEnd()}\n`;
}
