import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSettings, type ServerSettings, writeSettings } from './settings.ts';

describe('server settings dotenv file', () => {
  it('round-trips and is sourceable KEY=value lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'botcore-settings-'));
    try {
      const settings: ServerSettings = {
        KUBECONFIG: '/tmp/x/admin.kubeconfig',
        NATS_URL: 'nats://127.0.0.1:22222',
        REDIS_URL: 'redis://127.0.0.1:24379',
        MONGODB_URL: 'mongodb://127.0.0.1:25017/',
        BOTCORE_BIN_DIR: '/tmp/x/bin',
        KUBECTL: '/tmp/x/bin/kubectl',
        HELM: '/tmp/x/bin/helm',
      };
      const path = join(dir, 'servers.env');
      await writeSettings(path, settings);
      expect(readSettings(path)).toEqual(settings);
      const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l && !l.startsWith('#'));
      expect(lines.every((l) => /^[A-Z_]+=\S+$/.test(l))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
