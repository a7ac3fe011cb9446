// Where a restarted executor's risk engine starts when the candles it had seen
// will not come again (resume `seed`): the ledger's equity curve, the round
// trips its fills close and its orders' times, through risk/restore.ts. So a
// bot halted for the day stays halted, a cooldown or a pair lock runs its
// course, and the drawdown is measured from the same peak.
import type { RiskPolicySpec } from '../../crds/index.ts';
import { restoreRisk } from '../risk/restore.ts';
import type { RiskSnapshot } from '../risk/snapshot.ts';
import type { EquityPointRecord, OrderRecord, StoredFill } from '../store/records.ts';
import { type RoundTrips, roundTrips } from './round-trips.ts';

export interface RiskRecords {
  readonly equity: readonly EquityPointRecord[];
  readonly fills: readonly StoredFill[];
  readonly orders: readonly OrderRecord[];
}

/** A fill whose order the ledger does not have came from a position's protective stop. */
export function tradesFromLedger(fills: readonly StoredFill[], orders: readonly OrderRecord[]): RoundTrips {
  const ids = new Set(orders.map((o) => o.orderId));
  return roundTrips(fills, (fill) => !ids.has(fill.orderId));
}

/** The risk engine's state at `at` (the ledger's last time), under `policy`. */
export function riskFromLedger(
  records: RiskRecords,
  policy: RiskPolicySpec,
  at: number,
  trades: RoundTrips = tradesFromLedger(records.fills, records.orders),
): RiskSnapshot {
  return restoreRisk(
    policy,
    {
      equity: records.equity.map((p) => ({ t: p.t, equity: Number(p.equity) })),
      closedTrades: trades.closed,
      orderTimes: records.orders.map((o) => o.ts),
    },
    at,
  );
}
