import { readFileSync } from 'node:fs';

/** The version in the repository's package.json, the one `botcore --version` prints. */
export function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error(`package.json at ${url.pathname} has no version`);
  return pkg.version;
}
