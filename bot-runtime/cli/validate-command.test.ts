import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = new URL('./botcore.ts', import.meta.url).pathname;
const examples = new URL('../../examples/', import.meta.url).pathname;

describe('botcore validate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'botcore-validate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts every example bot and policy', async () => {
    const files = [
      ...(await readdir(join(examples, 'bots'))).map((f) => join(examples, 'bots', f)),
      ...(await readdir(join(examples, 'policies'))).map((f) => join(examples, 'policies', f)),
    ];
    const { stdout } = await run(process.execPath, [cli, 'validate', '--json', ...files]);
    const verdicts = JSON.parse(stdout) as { valid: boolean }[];
    expect(verdicts.length).toBeGreaterThanOrEqual(files.length);
    expect(verdicts.every((v) => v.valid)).toBe(true);
  });

  it('rejects a live bot without acknowledgement, naming the fields, with exit code 1', async () => {
    const path = join(dir, 'live.yaml');
    await writeFile(
      path,
      [
        'apiVersion: trading.botcore.dev/v1alpha1',
        'kind: TradingBot',
        'metadata: {name: reckless}',
        'spec:',
        '  mode: live',
        '  exchange: {name: binance}',
        '  symbols: []',
      ].join('\n'),
    );
    const failure = await run(process.execPath, [cli, 'validate', path]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    const { stderr } = failure as { stderr: string };
    expect(stderr).toContain('TradingBot.trading.botcore.dev "reckless" is invalid');
    expect(stderr).toContain('spec.symbols');
  });

  it('names the file when it is not YAML', async () => {
    const path = join(dir, 'broken.yaml');
    await writeFile(path, 'kind: [unclosed');
    const failure = await run(process.execPath, [cli, 'validate', path]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(path);
  });
});
