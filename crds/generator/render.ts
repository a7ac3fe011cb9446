import { kinds } from '../schema/index.ts';
import { crdFileName, renderCrdYaml } from './crd.ts';
import { renderApiDocs } from './docs.ts';
import { renderTypes } from './types.ts';

/** Every generated file, by path relative to the repository root. */
export function renderAll(): Map<string, string> {
  const files = new Map<string, string>();
  for (const kind of kinds) files.set(`crds/${crdFileName(kind)}`, renderCrdYaml(kind));
  files.set('crds/generated/types.ts', renderTypes(kinds));
  files.set('docs/api.md', renderApiDocs(kinds));
  return files;
}
