// The advisor through the real `openai` client against a local stand-in of
// the Chat Completions API: verdicts per role, time-outs, errors, unusable
// answers, the daily budget, and what is (and is not) sent.
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../domain/index.ts';
import { Advisor, type AdvisorSettings } from './advisor.ts';
import { openAiChatClient } from './chat-client.ts';
import { type FakeOpenAi, type ScriptedAnswer, startFakeOpenAi } from './fake-openai-server.ts';
import { costOf, priceOf } from './prices.ts';
import { type DecisionContext, parseAnswer } from './prompt.ts';
import { verdictFor } from './verdict.ts';

const KEY = 'sk-test-0123456789abcdef';
const context: DecisionContext = {
  bot: 'default/eth',
  symbol: 'ETH/BTC',
  action: 'buy',
  timeframe: '5m',
  candles: [{ t: '2018-01-10T05:00:00.000Z', open: 0.1, high: 0.11, low: 0.09, close: 0.105, volume: 1200 }],
  signals: [{ strategy: 'rsi', type: 'rsi', signal: 'buy' }],
  equity: '1',
  currency: 'BTC',
  riskState: 'Active',
};
const settings = (
  role: AdvisorSettings['role'],
  budget = { maxRequestsPerDay: 100, maxCostPerDay: '5' },
) => ({
  model: 'gpt-4o-mini',
  role,
  timeoutMs: 300,
  budget,
});

let server: FakeOpenAi | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function advisorAnswering(
  role: AdvisorSettings['role'],
  answer: ScriptedAnswer,
  budget?: AdvisorSettings['budget'],
  now?: () => number,
) {
  server = await startFakeOpenAi(KEY, () => answer);
  return new Advisor(settings(role, budget), await openAiChatClient(server.endpoint, KEY), now);
}

const yes = { content: '{"approve": true, "reason": "trend confirms"}' };
const no = { content: '{"approve": false, "reason": "volume too thin"}' };

describe('Advisor', () => {
  it.each([
    ['veto', yes, true, 'approved'],
    ['veto', no, false, 'rejected'],
    ['confirm', yes, true, 'approved'],
    ['confirm', no, false, 'rejected'],
    ['observe', no, true, 'rejected'],
  ] as const)('%s role, answer %j: allow %s (%s)', async (role, answer, allow, outcome) => {
    const advisor = await advisorAnswering(role, answer);
    const v = await advisor.review(context);
    expect(v).toMatchObject({ allow, outcome });
    expect(v.reason).toBe(JSON.parse(answer.content).reason);
    // 300 prompt and 20 completion tokens at gpt-4o-mini's price.
    expect(v.costUsd).toBe('0.000057');
  });

  it.each([
    ['a time-out', { ...yes, delayMs: 1500 }, 'timeout', /no answer within 300 ms/],
    ['a server error', { status: 500 }, 'error', /advisor request failed: 500/],
    ['an answer that is not JSON', { content: 'Sure! I approve.' }, 'error', /unusable answer: not JSON/],
    ['an answer without approve', { content: '{"ok": true}' }, 'error', /"approve" is not true or false/],
  ] as const)(
    '%s lets the decision stand for veto, drops it for confirm',
    async (_, answer, outcome, why) => {
      for (const [role, allow] of [
        ['veto', true],
        ['confirm', false],
        ['observe', true],
      ] as const) {
        const advisor = await advisorAnswering(role, answer);
        const v = await advisor.review(context);
        expect(v).toMatchObject({ allow, outcome });
        expect(v.reason).toMatch(why);
        await server!.close();
        server = undefined;
      }
    },
  );

  it('sends the decision as JSON with the key as a bearer token, asking for a JSON object, and never the key in the body', async () => {
    const advisor = await advisorAnswering('veto', yes);
    await advisor.review(context);
    const [request] = server!.requests;
    expect(request!.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.body.model).toBe('gpt-4o-mini');
    expect(request!.body.response_format).toEqual({ type: 'json_object' });
    expect(JSON.parse(request!.body.messages[1]!.content)).toEqual(context);
    expect(JSON.stringify(request!.body)).not.toContain(KEY);
  });

  it('a wrong key is an error that does not repeat the key', async () => {
    server = await startFakeOpenAi(KEY, () => yes);
    const advisor = new Advisor(
      settings('confirm'),
      await openAiChatClient(server.endpoint, 'sk-wrong-key-42'),
    );
    const v = await advisor.review(context);
    expect(v).toMatchObject({ allow: false, outcome: 'error' });
    expect(v.reason).toMatch(/401/);
    expect(v.reason).not.toContain('sk-wrong-key-42');
  });

  it('stops asking once the day’s requests or dollars are spent, and starts again the next UTC day', async () => {
    let now = Date.parse('2026-11-21T10:00:00Z');
    const advisor = await advisorAnswering(
      'veto',
      no,
      { maxRequestsPerDay: 2, maxCostPerDay: '5' },
      () => now,
    );
    expect((await advisor.review(context)).outcome).toBe('rejected');
    expect((await advisor.review(context)).outcome).toBe('rejected');
    const skipped = await advisor.review(context);
    expect(skipped).toMatchObject({ allow: true, outcome: 'over-budget', costUsd: '0' });
    expect(skipped.reason).toBe('advisor skipped: 2 requests today (maxRequestsPerDay 2)');
    expect(server!.requests).toHaveLength(2);
    now = Date.parse('2026-11-22T00:00:00Z');
    expect((await advisor.review(context)).outcome).toBe('rejected');

    // Dollars: 1M prompt tokens of gpt-4o-mini cost $0.15, over a $0.20 day after two requests.
    await server!.close();
    const pricey = await advisorAnswering(
      'confirm',
      { ...yes, promptTokens: 1_000_000, completionTokens: 0 },
      {
        maxRequestsPerDay: 100,
        maxCostPerDay: '0.20',
      },
      () => now,
    );
    expect((await pricey.review(context)).allow).toBe(true);
    expect((await pricey.review(context)).allow).toBe(true);
    expect(await pricey.review(context)).toMatchObject({
      allow: false,
      outcome: 'over-budget',
      reason: 'advisor skipped: $0.3 spent today (maxCostPerDay $0.2)',
    });
    expect(pricey.budget.today(now)).toEqual({ requests: 2, costUsd: '0.3' });
  });
});

describe('prices', () => {
  it('knows dated model versions by their family, and prices unknown models as the dearest', () => {
    expect(priceOf('gpt-4o-mini-2024-07-18')).toMatchObject({ input: '0.15', known: true });
    expect(priceOf('gpt-4o-2024-08-06')).toMatchObject({ input: '2.50', known: true });
    expect(priceOf('llama-3.1-70b')).toMatchObject({ output: '10.00', known: false });
    expect(costOf('gpt-4.1', { inputTokens: 1500, outputTokens: 500 }).eq(dec('0.007'))).toBe(true);
  });
});

describe('answers and verdicts', () => {
  it('reads the answer contract strictly and keeps reasons short', () => {
    expect(parseAnswer('{"approve": false, "reason": "  spread wide  "}')).toEqual({
      approve: false,
      reason: 'spread wide',
    });
    expect(parseAnswer('{"approve": true}').reason).toBe('(no reason given)');
    expect(parseAnswer(JSON.stringify({ approve: true, reason: 'x'.repeat(900) })).reason).toHaveLength(501);
    expect(() => parseAnswer('[true]')).toThrow('not a JSON object');
  });

  it('only a no stops a veto advisor, only a yes passes a confirm advisor, observe never decides', () => {
    const outcomes = ['approved', 'rejected', 'timeout', 'error', 'over-budget'] as const;
    const allowed = (role: 'veto' | 'confirm' | 'observe') =>
      outcomes.filter((o) => verdictFor(role, o, '').allow);
    expect(allowed('veto')).toEqual(['approved', 'timeout', 'error', 'over-budget']);
    expect(allowed('confirm')).toEqual(['approved']);
    expect(allowed('observe')).toEqual(outcomes);
  });
});
