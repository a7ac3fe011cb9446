import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = new URL('./botcore.ts', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('botcore command', () => {
  it('prints the package version with --version', async () => {
    const { stdout } = await run(process.execPath, [cli, '--version']);
    expect(stdout.trim()).toBe(version);
  });

  it('lists its commands with --help', async () => {
    const { stdout } = await run(process.execPath, [cli, '--help']);
    expect(stdout).toMatch(/^Usage: botcore \[options\] \[command\]/);
    expect(stdout).toMatch(/\n\s+start\s/);
  });

  it('rejects an unknown command with a non-zero exit', async () => {
    const failure = await run(process.execPath, [cli, 'fly']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain("unknown command 'fly'");
  });
});
