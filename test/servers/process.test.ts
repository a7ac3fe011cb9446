import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processFiles, runningPid, startDetached, stopProcess } from './process.ts';

const SLEEP = '/bin/sleep';

describe('server processes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botcore-process-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts a detached process, finds it by pid file, and stops it', async () => {
    const files = processFiles(dir, 'sleeper');
    const pid = await startDetached(files, SLEEP, ['30']);
    expect(runningPid(files)).toBe(pid);
    expect(await stopProcess(files)).toBe(true);
    expect(runningPid(files)).toBeUndefined();
  });

  it('never signals a process it did not start, even when a pid file names it', async () => {
    const foreign = spawn(SLEEP, ['30'], { stdio: 'ignore' });
    try {
      const files = processFiles(dir, 'impostor');
      // A stale pid file whose pid now belongs to an unrelated process.
      await mkdir(join(dir, 'pids'), { recursive: true });
      await writeFile(files.pidFile, `${foreign.pid}\n/usr/bin/some-other-server\n`);
      expect(runningPid(files)).toBeUndefined();
      expect(await stopProcess(files)).toBe(false);
      expect(foreign.exitCode).toBeNull();
      expect(() => process.kill(foreign.pid as number, 0)).not.toThrow();
    } finally {
      foreign.kill('SIGKILL');
    }
  });
});
