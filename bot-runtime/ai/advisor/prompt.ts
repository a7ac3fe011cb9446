// What the advisor is told and what it must answer. The request carries the
// decision and the facts the bot decided on, as JSON, and never a credential
// or anything about other bots. The answer must be a JSON object
// {"approve": boolean, "reason": string}; anything else counts as no answer.

export interface DecisionContext {
  readonly bot: string;
  readonly symbol: string;
  /** What the bot is about to do: open a long position, or close it. */
  readonly action: 'buy' | 'sell';
  readonly timeframe: string;
  /** The candle that just closed, and the ones before it (oldest first), as numbers. */
  readonly candles: readonly {
    t: string;
    open: number;
    high: number;
    low: number;
    close: number;
    volume: number;
  }[];
  readonly signals: readonly { strategy: string; type: string; signal: 'buy' | 'sell' | 'hold' }[];
  /** The open position on the symbol, if any (decimal strings). */
  readonly position?: {
    readonly quantity: string;
    readonly entryPrice: string;
    readonly unrealizedPnl: string;
  };
  readonly equity: string;
  readonly currency: string;
  readonly riskState: string;
}

export interface ChatMessage {
  readonly role: 'system' | 'user';
  readonly content: string;
}

const SYSTEM = [
  'You review the decisions of an automated crypto trading bot before they become orders.',
  'You get the decision and the market facts it was made on, as JSON.',
  'Answer with one JSON object and nothing else: {"approve": true or false, "reason": "<one short sentence>"}.',
  'Approve unless the facts show a clear reason not to trade now.',
].join(' ');

export function reviewMessages(context: DecisionContext): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: JSON.stringify(context) },
  ];
}

export interface AdvisorAnswer {
  readonly approve: boolean;
  readonly reason: string;
}

export class AdvisorAnswerError extends Error {
  override readonly name = 'AdvisorAnswerError';
}

const MAX_REASON = 500;

/** The answer as the contract says, or an AdvisorAnswerError saying what is wrong with it. */
export function parseAnswer(text: string): AdvisorAnswer {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AdvisorAnswerError(`not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AdvisorAnswerError('not a JSON object');
  }
  const { approve, reason } = value as Record<string, unknown>;
  if (typeof approve !== 'boolean') throw new AdvisorAnswerError('"approve" is not true or false');
  const why = typeof reason === 'string' && reason.trim() !== '' ? reason.trim() : '(no reason given)';
  return { approve, reason: why.length > MAX_REASON ? `${why.slice(0, MAX_REASON)}…` : why };
}
