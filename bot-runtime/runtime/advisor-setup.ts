// Builds the executor's decision review from spec.ai.advisor (the runtime
// configuration carries the same fields, without the key). The API key comes
// only from BOTCORE_ADVISOR_API_KEY, which the operator fills from
// spec.ai.advisor.apiKeySecretRef; it is handed to the client and nowhere else.
import type { AdvisorSpec, TradingBotSpec } from '../../crds/index.ts';
import { credentialEnv } from '../../crds/runtime-config/types.ts';
import { Advisor, openAiChatClient } from '../ai/advisor/index.ts';
import { DecisionReview, type ReviewedDecision } from './decision-review.ts';

export type AdvisorConfig = Pick<AdvisorSpec, 'endpoint' | 'model' | 'role' | 'timeoutMs' | 'budget'>;

export interface AdvisorSetup {
  readonly review: DecisionReview;
  /** Said once at start: which endpoint and model, and whether a key was given (never the key). */
  readonly summary: string;
}

export async function advisorSetup(
  advisor: AdvisorConfig | undefined,
  bot: TradingBotSpec,
  botName: string,
  currency: string,
  env: NodeJS.ProcessEnv,
): Promise<AdvisorSetup | undefined> {
  if (!advisor) return undefined;
  const key = env[credentialEnv.advisorApiKey];
  // A local OpenAI-compatible server may take no key; the client still needs a value to send.
  const client = await openAiChatClient(advisor.endpoint, key || 'no-key');
  const review = new DecisionReview(
    new Advisor(
      { model: advisor.model, role: advisor.role, timeoutMs: advisor.timeoutMs, budget: advisor.budget },
      client,
    ),
    bot,
    botName,
    currency,
  );
  const keyNote = key ? 'API key from' : 'no API key in';
  return {
    review,
    summary: `advisor ${advisor.model} at ${advisor.endpoint} (${advisor.role}; ${keyNote} ${credentialEnv.advisorApiKey})`,
  };
}

/** One line per reviewed decision, for logs and the terminal. */
export function describeReview(r: ReviewedDecision): string {
  const v = r.verdict;
  const effect = v.allow ? 'goes ahead' : 'held';
  return `advisor on ${r.action} ${r.symbol} at ${new Date(r.t).toISOString()}: ${v.outcome}, ${effect} (${v.reason})`;
}
