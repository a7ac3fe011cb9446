// `npm run gen`: writes the CRDs, the TypeScript types and docs/api.md from crds/schema/.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderAll } from './render.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

for (const [path, content] of renderAll()) {
  const target = join(root, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, content);
  console.log(`wrote ${path}`);
}
