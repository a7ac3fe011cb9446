// What a risk engine remembers of the past, as plain data: enough for a
// restarted bot to go on under the same limits (risk/restore.ts rebuilds one
// from the ledger; RiskEngine.restore takes it over).
import type { Restriction } from './state.ts';

export interface RiskSnapshot {
  /** Start of the next UTC day (-Infinity before the first equity point). */
  readonly nextDay: number;
  /** Equity at the first candle of the current UTC day (the daily loss limit's base). */
  readonly dayStartEquity: number;
  /** Highest equity so far (the drawdown's base; 0 before the first point). */
  readonly peakEquity: number;
  readonly consecutiveLosses: number;
  /** Time of the last losing close (-Infinity: none). */
  readonly lastLossAt: number;
  /** Times of the latest stop-loss exits per symbol (at most pairLock.stopLosses each). */
  readonly stopLosses: Readonly<Record<string, readonly number[]>>;
  /** Times of the orders allowed in the minute before the snapshot. */
  readonly orderTimes: readonly number[];
  /** Restrictions in force (daily loss, drawdown, cooldown); never the policy's own halt. */
  readonly restrictions: readonly Restriction[];
}
