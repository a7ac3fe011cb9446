import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpenAi, type ScriptedAnswer, startFakeOpenAi } from '../ai/advisor/fake-openai-server.ts';
import { runBacktest } from '../backtest/runner.ts';
import { loadCandles } from '../market-data/index.ts';
import { demoData as data, demoOnePass, startLocal, steppedThrough } from './fake-standalone.ts';

const KEY = 'sk-advisor-test-7f3a9c';

let server: FakeOpenAi | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function runWithAdvisor(role: 'veto' | 'confirm', answer: ScriptedAnswer, timeoutMs = 2000) {
  server = await startFakeOpenAi(KEY, () => answer);
  const demo = await demoOnePass();
  const manifest = {
    ...demo,
    bot: {
      ...demo.bot,
      ai: {
        advisor: {
          endpoint: server.endpoint,
          model: 'gpt-4o-mini',
          role,
          timeoutMs,
          budget: { maxRequestsPerDay: 10_000, maxCostPerDay: '5' },
        },
      },
    },
  };
  const notices: string[] = [];
  const bot = await startLocal(manifest, {
    env: { BOTCORE_ADVISOR_API_KEY: KEY },
    notice: (line) => notices.push(line),
  });
  try {
    await bot.replayDone;
    const candles = loadCandles(data, { gaps: 'keep' }).series;
    await steppedThrough(bot.executor, candles.length);
    const reference = runBacktest({
      bot: demo.bot,
      markets: [{ symbol: 'ETH/BTC', series: candles }],
    }).kernel;
    return { trades: bot.executor.kernel.trades, reference, notices, requests: server.requests };
  } finally {
    await bot.stop();
  }
}

describe('botcore run with an advisor', () => {
  it('a yes to every decision trades exactly as the backtest, every entry asked first', async () => {
    const r = await runWithAdvisor('veto', { content: '{"approve": true, "reason": "ok"}' });
    expect(r.reference.trades.length).toBeGreaterThan(5);
    expect(r.trades).toEqual(r.reference.trades);
    const asked = r.requests.map((q) => JSON.parse(q.body.messages[1]!.content) as { action: string });
    // Asked before the risk engine, so a buy it then denies (a cooldown) was asked too.
    expect(asked.filter((a) => a.action === 'buy').length).toBeGreaterThanOrEqual(r.reference.trades.length);
    expect(
      r.notices.some((n) => /^advisor on buy ETH\/BTC at .*: approved, goes ahead \(ok\)$/.test(n)),
    ).toBe(true);
  }, 60_000);

  it('a no to every decision (veto) opens nothing', async () => {
    const r = await runWithAdvisor('veto', { content: '{"approve": false, "reason": "no"}' });
    expect(r.trades).toEqual([]);
    expect(r.requests.length).toBeGreaterThan(5);
    expect(r.notices.filter((n) => n.includes(': rejected, held (no)'))).toHaveLength(r.requests.length);
  }, 60_000);

  it('a confirm advisor that does not answer in time opens nothing; the key is only ever in the header', async () => {
    const r = await runWithAdvisor('confirm', { content: '{"approve": true}', delayMs: 400 }, 100);
    expect(r.trades).toEqual([]);
    expect(r.notices.some((n) => n.includes('timeout, held (no answer within 100 ms)'))).toBe(true);
    for (const q of r.requests) {
      expect(q.authorization).toBe(`Bearer ${KEY}`);
      expect(JSON.stringify(q.body)).not.toContain(KEY);
    }
    expect(r.notices.join('\n')).not.toContain(KEY);
    expect(r.notices[0]).toContain('(confirm; API key from BOTCORE_ADVISOR_API_KEY)');
  }, 60_000);
});
