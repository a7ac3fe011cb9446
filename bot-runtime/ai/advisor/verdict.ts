// What a review does to a decision. The role says who has the last word:
// `veto` lets a decision stand unless the advisor says no; `confirm` lets it
// through only when the advisor says yes (silence drops it); `observe` never
// changes it. An advisor that times out, fails, answers nonsense or is over
// its budget has not said yes or no.

export type AdvisorRole = 'veto' | 'confirm' | 'observe';

export type ReviewOutcome = 'approved' | 'rejected' | 'timeout' | 'error' | 'over-budget';

export interface Verdict {
  /** Whether the decision goes on to the risk engine and the venue. */
  readonly allow: boolean;
  readonly outcome: ReviewOutcome;
  /** The advisor's reason, or why there is none (never a credential). */
  readonly reason: string;
  /** What the request cost, in US dollars, as a decimal string ("0" when none was made). */
  readonly costUsd: string;
}

export function verdictFor(
  role: AdvisorRole,
  outcome: ReviewOutcome,
  reason: string,
  costUsd = '0',
): Verdict {
  const allow = role === 'observe' || (role === 'veto' ? outcome !== 'rejected' : outcome === 'approved');
  return { allow, outcome, reason, costUsd };
}
