// `botcore run` as a user runs it: a child process on the bundled candles at
// high speed, read through its status endpoint with the token it wrote, then
// SIGKILLed mid-run and started again on the same state directory. The trades
// it had reported must all come back, none twice, and the finished run must
// hold exactly the fills of an uninterrupted backtest of the same manifest.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBacktest } from '../../bot-runtime/backtest/runner.ts';
import { loadCandles } from '../../bot-runtime/market-data/index.ts';
import { loadRunManifest } from '../../bot-runtime/runtime/manifest.ts';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'bot-runtime', 'cli', 'botcore.ts');
const data = join(root, 'examples', 'data', 'ETH-BTC_5m.csv');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
}

/** Starts `botcore run`; resolves once it printed its status URL. */
function start(manifest: string, stateDir: string, speed: number): Promise<Running> {
  const child = spawn(
    process.execPath,
    [cli, 'run', manifest, '--state-dir', stateDir, '--port', '0', '--speed', String(speed), '--quiet'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Status endpoint: (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, output: () => out + err });
    });
    child.once('exit', (code) => reject(new Error(`botcore run exited with ${code}:\n${out}${err}`)));
  });
}

async function get<T>(url: string, token: string): Promise<T> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Trade {
  id: string;
  orderId: string;
}

async function allTrades(base: string, token: string): Promise<Trade[]> {
  const out: Trade[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<{ items: Trade[]; nextCursor?: string }>(
      `${base}/api/v1/trades?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      token,
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Polls until `check` returns a value (no timing assertion: the test's own timeout bounds it). */
async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const fillKey = (t: Trade) => `${t.orderId}:${t.id}`;

describe('botcore run survives SIGKILL', () => {
  it('keeps every trade and position across a kill and restart, without duplicates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'botcore-restart-'));
    const stateDir = join(dir, 'state');
    // The demo bot, one pass of the replay (no loop), so the run has an end to compare.
    const manifest = join(dir, 'bot.yaml');
    writeFileSync(
      manifest,
      readFileSync(join(root, 'examples', 'bots', 'demo.yaml'), 'utf8').replace('loop: true', 'loop: false'),
    );

    // About 1 ms per candle: trades come in quickly, and the run is still going when it is killed.
    const first = await start(manifest, stateDir, 300_000);
    const token = readFileSync(join(stateDir, 'status.token'), 'utf8').trim();
    const status = await get<{ bot: { name: string }; mode: string }>(`${first.url}/api/v1/status`, token);
    expect(status).toMatchObject({ bot: { name: 'demo' }, mode: 'paper' });
    const seen = await until(async () => {
      const trades = await allTrades(first.url, token);
      return trades.length >= 8 ? trades : undefined;
    });
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = await start(manifest, stateDir, 0);
    expect(second.output()).toMatch(/recovered \d+ fills/);
    // Everything reported before the kill is there at once, from the journal.
    const recovered = await allTrades(second.url, token);
    const recoveredKeys = recovered.map(fillKey);
    for (const t of seen) expect(recoveredKeys).toContain(fillKey(t));

    // The run finishes: the last candle of the file closed (the status clock is the replay's).
    const m = await loadRunManifest(manifest);
    const series = loadCandles(data, { gaps: 'keep' }).series;
    const lastClose = new Date(series.time[series.length - 1]! + series.timeframeMs).toISOString();
    await until(async () => {
      const s = await get<{ lastUpdateTime: string }>(`${second.url}/api/v1/status`, token);
      return s.lastUpdateTime === lastClose ? true : undefined;
    });
    const trades = await allTrades(second.url, token);
    const keys = trades.map(fillKey);
    expect(new Set(keys).size).toBe(keys.length);

    const reference = runBacktest({ bot: m.bot, markets: [{ symbol: 'ETH/BTC', series }] }).kernel;
    // The kill came mid-run (the first process had reported only part of the fills).
    expect(seen.length).toBeLessThan(reference.fills.length);
    expect(keys.reverse()).toEqual(reference.fills.map((f) => `${f.orderId}:${f.tradeId}`));
    const positions = await get<{ symbol: string; quantity: string }[] | { items: unknown }>(
      `${second.url}/api/v1/positions`,
      token,
    );
    const open = reference.portfolio
      .openPositions()
      .map((p) => ({ symbol: p.symbol, quantity: p.quantity.toFixed() }));
    const list = (
      Array.isArray(positions)
        ? positions
        : (positions as { items: { symbol: string; quantity: string }[] }).items
    ).map((p) => ({ symbol: p.symbol, quantity: p.quantity }));
    expect(list).toEqual(open);

    // The journal on disk holds each fill once.
    const journal = readFileSync(join(stateDir, 'ledger.jsonl'), 'utf8').trim().split('\n');
    const fillIds = journal
      .map((l) => JSON.parse(l) as { k: string; v: { fillId?: string } })
      .filter((e) => e.k === 'fill');
    expect(fillIds.map((e) => e.v.fillId)).toEqual(keys);

    second.child.kill('SIGTERM');
    const code = await new Promise((r) => second.child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
  }, 120_000);
});
