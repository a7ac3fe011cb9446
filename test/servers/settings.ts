// The connection settings `env:up` writes as a dotenv file, for tests and for
// a user's shell: `set -a; . .botcore/servers.env; set +a`.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ServerContext } from './components/index.ts';

export interface ServerSettings {
  readonly KUBECONFIG: string;
  readonly NATS_URL: string;
  readonly REDIS_URL: string;
  readonly MONGODB_URL: string;
  /** Folder with kubectl, helm, kwok and the servers' binaries, to put first on PATH. */
  readonly BOTCORE_BIN_DIR: string;
  readonly KUBECTL: string;
  readonly HELM: string;
}

export function settingsFor(ctx: ServerContext, binDir: string): ServerSettings {
  return {
    KUBECONFIG: ctx.kubeconfig('admin'),
    NATS_URL: `nats://127.0.0.1:${ctx.ports.nats}`,
    REDIS_URL: `redis://127.0.0.1:${ctx.ports.redis}`,
    MONGODB_URL: `mongodb://127.0.0.1:${ctx.ports.ferretdb}/`,
    BOTCORE_BIN_DIR: binDir,
    KUBECTL: ctx.binary('kubectl'),
    HELM: ctx.binary('helm'),
  };
}

export async function writeSettings(path: string, settings: ServerSettings): Promise<void> {
  const lines = [
    '# Written by `npm run env:up` (test/servers); removed by `npm run env:down`.',
    '# In a shell: set -a; . .botcore/servers.env; set +a',
    ...Object.entries(settings).map(([key, value]) => `${key}=${value}`),
  ];
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${lines.join('\n')}\n`);
}

export function readSettings(path: string): ServerSettings | undefined {
  if (!existsSync(path)) return undefined;
  const entries = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.includes('=') && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return Object.fromEntries(entries) as ServerSettings;
}
