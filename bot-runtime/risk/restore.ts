// A risk engine's memory rebuilt from the record of what happened: the equity
// at each candle close, the round trips that closed (PnL, stop-loss or not)
// and the times of the orders sent. The records go through a fresh engine's
// own bookkeeping (onEquity, onTradeClosed), so a rebuilt engine knows exactly
// what one that lived through them knows; only the order times, which the
// engine learns while checking, are taken as they are.
import type { RiskPolicySpec } from '../../crds/index.ts';
import type { Decimal } from '../domain/index.ts';
import { RiskEngine } from './engine.ts';
import type { RiskSnapshot } from './snapshot.ts';

export interface EquityAt {
  /** Candle close time (epoch ms). */
  readonly t: number;
  readonly equity: number;
}

export interface ClosedTrade {
  readonly symbol: string;
  /** Time of the fill that closed it. */
  readonly exitTime: number;
  /** Net of fees; only its sign matters to the engine. */
  readonly pnl: Decimal;
  /** The protective stop closed it. */
  readonly stopLoss: boolean;
}

export interface RiskHistory {
  readonly equity: readonly EquityAt[];
  readonly closedTrades: readonly ClosedTrade[];
  /** Times of the orders the engine allowed (the ledger's orders). */
  readonly orderTimes: readonly number[];
}

/** The engine's state at `at` after everything in `history` up to then, under `policy`. */
export function restoreRisk(policy: RiskPolicySpec, history: RiskHistory, at: number): RiskSnapshot {
  const engine = new RiskEngine(policy);
  type Event = { t: number; equity?: number; trade?: ClosedTrade };
  const events: Event[] = [
    ...history.equity.filter((p) => p.t <= at).map((p) => ({ t: p.t, equity: p.equity })),
    ...history.closedTrades.filter((c) => c.exitTime <= at).map((c) => ({ t: c.exitTime, trade: c })),
  ];
  // At one time the equity point comes first: it closed the candle before the one whose fill closed the trade.
  events.sort((a, b) => a.t - b.t || (a.equity === undefined ? 1 : 0) - (b.equity === undefined ? 1 : 0));
  for (const e of events) {
    if (e.equity !== undefined) engine.onEquity(e.t, e.equity);
    else engine.onTradeClosed(e.t, e.trade!.symbol, e.trade!.pnl, e.trade!.stopLoss);
  }
  const orderTimes = history.orderTimes.filter((t) => t <= at && t > at - 60_000).sort((a, b) => a - b);
  return { ...engine.snapshot(at), orderTimes };
}
