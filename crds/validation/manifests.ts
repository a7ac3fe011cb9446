import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';

/** The documents of a (multi-document) YAML manifest, skipping empty ones. */
export function parseManifests(text: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export async function loadManifests(path: string): Promise<unknown[]> {
  return parseManifests(await readFile(path, 'utf8'));
}
