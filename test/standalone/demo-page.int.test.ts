// The demo as a trader meets it: `botcore run` on examples/bots/demo.yaml at
// the demo's own speed, and the page URL it prints opened in Debian's
// Chromium. The page must sign in with the token in the link, go live on the
// stream, and show trades as the replay makes them.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const CHROMIUM = process.env.BOTCORE_CHROMIUM ?? '/usr/bin/chromium';
let browser: Browser | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start demo', () => {
  it('prints a page link that opens the live status page, where trades appear', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'botcore-demo-page-'));
    child = spawn(
      process.execPath,
      [
        join(root, 'bot-runtime', 'cli', 'botcore.ts'),
        'run',
        'examples/bots/demo.yaml',
        '--state-dir',
        stateDir,
        '--port',
        '0',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const proc = child;
    let out = '';
    const pageUrl = await new Promise<string>((resolve, reject) => {
      proc.stdout?.on('data', (d) => {
        out += d;
        const m = /page\s+(http:\/\/\S+#token=\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      proc.once('exit', (code) => reject(new Error(`botcore run exited with ${code}: ${out}`)));
    });
    expect(out).toContain('in paper mode');

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pageUrl);
    await page.locator('#connection[data-state="live"]').waitFor();
    // The token left the address bar.
    expect(page.url()).not.toContain('token');
    // Trades arrive over the stream as the replay makes them.
    await page.locator('#trades tbody tr').first().waitFor();
    expect(await page.locator('#trades tbody tr').first().locator('td').nth(1).textContent()).toBe('ETH/BTC');
    expect(problems).toEqual([]);

    proc.kill('SIGINT');
    const code = await new Promise((r) => proc.once('exit', (c) => r(c)));
    expect(code).toBe(0);
  }, 90_000);
});
