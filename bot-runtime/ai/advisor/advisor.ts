// The language-model advisor (spec.ai.advisor): reviews a decision the bot is
// about to act on, within its daily budget and its time-out, and says whether
// it goes ahead (verdict.ts has the rules per role).
import { AdvisorBudget, type BudgetLimits } from './budget.ts';
import { type ChatClient, ChatTimeoutError } from './chat-client.ts';
import { costOf } from './prices.ts';
import { type DecisionContext, parseAnswer, reviewMessages } from './prompt.ts';
import { type AdvisorRole, type Verdict, verdictFor } from './verdict.ts';

export interface AdvisorSettings {
  readonly model: string;
  readonly role: AdvisorRole;
  readonly timeoutMs: number;
  readonly budget: BudgetLimits;
}

export class Advisor {
  readonly settings: AdvisorSettings;
  readonly budget: AdvisorBudget;
  readonly #client: ChatClient;
  readonly #now: () => number;

  constructor(settings: AdvisorSettings, client: ChatClient, now: () => number = Date.now) {
    this.settings = settings;
    this.budget = new AdvisorBudget(settings.budget);
    this.#client = client;
    this.#now = now;
  }

  async review(context: DecisionContext): Promise<Verdict> {
    const { role, model, timeoutMs } = this.settings;
    const over = this.budget.exhausted(this.#now());
    if (over) return verdictFor(role, 'over-budget', `advisor skipped: ${over}`);
    this.budget.recordRequest(this.#now());
    try {
      const reply = await this.#client.complete(reviewMessages(context), { model, timeoutMs });
      const cost = costOf(model, reply.usage);
      this.budget.recordCost(this.#now(), cost);
      try {
        const answer = parseAnswer(reply.text);
        return verdictFor(role, answer.approve ? 'approved' : 'rejected', answer.reason, cost.toFixed());
      } catch (error) {
        return verdictFor(role, 'error', `unusable answer: ${(error as Error).message}`, cost.toFixed());
      }
    } catch (error) {
      const outcome = error instanceof ChatTimeoutError ? 'timeout' : 'error';
      return verdictFor(role, outcome, (error as Error).message);
    }
  }
}
