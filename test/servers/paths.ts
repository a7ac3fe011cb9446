// Where the test servers keep their binaries (a cache outside the repository,
// kept across clones and sessions) and their state (inside the checkout).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const GO_WRAPPERS_DIR = join(REPO_ROOT, 'test', 'servers', 'go');

/** Built binaries, by version: `$BOTCORE_CACHE_DIR`, else `$XDG_CACHE_HOME/botcore`, else `~/.cache/botcore`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BOTCORE_CACHE_DIR) return resolve(env.BOTCORE_CACHE_DIR);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'botcore');
}

/** Running servers' data, logs, pid files and certificates: `$BOTCORE_STATE_DIR`, else `.botcore/servers`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BOTCORE_STATE_DIR ? resolve(env.BOTCORE_STATE_DIR) : join(REPO_ROOT, '.botcore', 'servers');
}

/**
 * The dotenv file `env:up` writes: KUBECONFIG, NATS_URL, REDIS_URL, MONGODB_URL and tool paths.
 * `$BOTCORE_SERVERS_ENV`, else `servers.env` in `$BOTCORE_STATE_DIR` (a second server set
 * must not overwrite the first one's), else `.botcore/servers.env`.
 */
export function settingsFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BOTCORE_SERVERS_ENV) return resolve(env.BOTCORE_SERVERS_ENV);
  if (env.BOTCORE_STATE_DIR) return join(stateDir(env), 'servers.env');
  return join(REPO_ROOT, '.botcore', 'servers.env');
}
