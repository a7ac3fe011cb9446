// The status page in a real browser: Debian's Chromium, driven by
// playwright-core, against a real status server listening on 127.0.0.1 and
// fed by the memory source. It checks what a trader sees: the equity chart
// drawn from the API, the recent trades, the risk state, and that an update
// pushed by the bot appears without a reload.
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seededSource, type TestServer, testServer } from '../../bot-runtime/http/fake-status-server.ts';

const CHROMIUM = process.env.BOTCORE_CHROMIUM ?? '/usr/bin/chromium';

let browser: Browser;
let t: TestServer;
let base: string;
let page: Page;
let problems: string[];

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  t = await testServer({ rateLimit: { max: 10_000 } }, { source: seededSource() });
  base = await t.server.listen();
});

afterAll(async () => {
  await browser?.close();
  await t?.server.close();
});

async function openPage(url: string): Promise<Page> {
  const context = await browser.newContext();
  page = await context.newPage();
  problems = [];
  // A CSP violation, a script error or a failed request shows up here.
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url);
  return page;
}

afterEach(async () => {
  await page?.context().close();
});

describe('the status page', () => {
  it('shows the equity chart, the trades, positions and risk, and follows live updates', async () => {
    const p = await openPage(`${base}/#token=${t.token}`);
    await p.locator('#connection[data-state="live"]').waitFor();

    // The token left the address bar (and so the history).
    expect(p.url()).toBe(`${base}/`);

    // The chart: a line through every point the API returned.
    const line = p.locator('#equity-chart path.line');
    await line.waitFor();
    const d = (await line.getAttribute('d')) ?? '';
    const apiPoints = t.source.equity({ maxPoints: 2000 }).points.length;
    expect(d.match(/[ML]/g)?.length).toBe(apiPoints);
    expect(await p.locator('#equity-chart').getAttribute('data-points')).toBe(String(apiPoints));

    // The most recent trades, newest first.
    const rows = p.locator('#trades tbody tr');
    expect(await rows.count()).toBe(50);
    expect(await rows.first().getAttribute('data-trade-id')).toBe('trade-119');
    expect(await rows.first().locator('td').nth(1).textContent()).toBe('ETH/BTC');

    // Positions, figures and risk state.
    expect(await p.locator('#positions tbody tr').count()).toBe(2);
    expect(await p.locator('#equity').textContent()).toBe(`${t.source.status().equity} BTC`);
    expect(await p.locator('#risk-state').textContent()).toBe('CoolingDown');
    expect(await p.locator('#bot').textContent()).toBe('desk-a/eth-btc');

    // The bot trades: the row appears on top without a reload.
    const last = t.source.trades({ limit: 1 }).items[0]!;
    t.source.recordTrade({
      ...last,
      id: 'live-trade-1',
      symbol: 'LTC/BTC',
      side: 'buy',
      time: new Date(Date.parse(last.time) + 60_000).toISOString(),
    });
    await p.locator('#trades tbody tr[data-trade-id="live-trade-1"]').waitFor();
    expect(await rows.first().getAttribute('data-trade-id')).toBe('live-trade-1');
    expect(await rows.count()).toBe(50);

    // Equity moves: the chart gains the point, the figure follows.
    const lastPoint = t.source.equity({ maxPoints: 1 }).points.at(-1)!;
    t.source.recordEquity(lastPoint.t + 60_000, '1.2345');
    await p.locator(`#equity-chart[data-points="${apiPoints + 1}"]`).waitFor();
    expect(await p.locator('#equity').textContent()).toBe('1.2345 BTC');

    // The risk engine halts the bot.
    t.source.update({
      risk: { state: 'Halted', reason: 'DAILY_LOSS_LIMIT: loss_percent=5.1, max_percent=5' },
    });
    await p.locator('#risk[data-state="Halted"]').waitFor();
    expect(await p.locator('#risk-reason').textContent()).toContain('DAILY_LOSS_LIMIT');

    expect(problems).toEqual([]);
  });

  it('asks for a token, and says so when the token is refused', async () => {
    const p = await openPage(`${base}/`);
    await p.locator('#login').waitFor();
    expect(await p.locator('#dashboard').isHidden()).toBe(true);

    const other = await t.issuer.sign({ bots: ['desk-b/*'] });
    await p.locator('#token-input').fill(other);
    await p.locator('#token-form button').click();
    await p.locator('#login-error:has-text("does not give access")').waitFor();

    await p.locator('#token-input').fill(t.token);
    await p.locator('#token-form button').click();
    await p.locator('#connection[data-state="live"]').waitFor();
    expect(await p.locator('#trades tbody tr').count()).toBe(50);
    // Refused API calls log a console error in Chromium (the 403 above); nothing else may.
    expect(problems.filter((m) => !m.includes('403'))).toEqual([]);
  });
});
