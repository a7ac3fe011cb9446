export { Advisor, type AdvisorSettings } from './advisor.ts';
export { AdvisorBudget } from './budget.ts';
export { type ChatClient, type ChatReply, ChatTimeoutError, openAiChatClient } from './chat-client.ts';
export { costOf, priceOf } from './prices.ts';
export { type DecisionContext, parseAnswer, reviewMessages } from './prompt.ts';
export { type AdvisorRole, type ReviewOutcome, type Verdict, verdictFor } from './verdict.ts';
