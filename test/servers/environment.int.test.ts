// env:up is idempotent, env:status tells healthy from unhealthy servers, and
// names what is wrong with a non-zero exit.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMPONENTS } from './components/index.ts';
import { status, up } from './environment.ts';
import { REPO_ROOT } from './paths.ts';

const run = promisify(execFile);

describe('test server environment', () => {
  it('reports every server healthy while the suite runs', async () => {
    const report = await status();
    expect(report.map((s) => [s.name, s.state])).toEqual(COMPONENTS.map((c) => [c.name, 'healthy']));
  });

  it('reuses running servers on a second up, starting nothing', async () => {
    const { started, settings } = await up();
    expect(started).toEqual([]);
    expect(settings.KUBECONFIG).toBe(process.env.KUBECONFIG);
    expect(settings.NATS_URL).toBe(process.env.NATS_URL);
  });

  it('exits non-zero from env:status and names each server that is not healthy', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'botcore-empty-state-'));
    try {
      const result = await run(process.execPath, ['test/servers/cli.ts', 'status'], {
        cwd: REPO_ROOT,
        env: { ...process.env, BOTCORE_STATE_DIR: empty },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(result.code).toBe(1);
      for (const component of COMPONENTS) expect(result.stderr).toContain(`${component.name} (stopped)`);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
