// Hot state: what the executor and the status endpoint read on every tick —
// latest prices, positions, risk state — kept in Redis between pods and in
// memory in `botcore run`. It is a cache: MongoDB (the ledger) is the truth,
// and recovery rewrites it from there. Prices expire, so a stale price is
// absent rather than silently old; positions only move to a newer fill seq,
// like the ledger's snapshots.
import type { PositionSnapshot } from './records.ts';

export interface PriceRecord {
  readonly symbol: string;
  /** Decimal string. */
  readonly price: string;
  readonly ts: number;
}

/** The risk engine's state as the status report shows it. */
export interface RiskStateRecord {
  readonly state: 'Active' | 'Reducing' | 'CoolingDown' | 'Halted';
  readonly reason?: string;
  /** RFC 3339. */
  readonly until?: string;
  readonly dailyLossPercent?: string;
  readonly ts: number;
}

export interface HotStateOptions {
  /** How long a price stays readable after it was written. */
  readonly priceTtlMs?: number;
  /** Positions and risk state expire this long after their last write (a deleted bot leaves nothing). */
  readonly stateTtlMs?: number;
}

export const DEFAULT_PRICE_TTL_MS = 15 * 60_000;
export const DEFAULT_STATE_TTL_MS = 7 * 86_400_000;

export interface HotState {
  setPrices(prices: readonly PriceRecord[]): Promise<void>;
  /** The unexpired prices among `symbols`. */
  prices(symbols: readonly string[]): Promise<Map<string, PriceRecord>>;
  /** Per symbol, replaces the position only with a newer `fillSeq`. */
  setPositions(positions: readonly PositionSnapshot[]): Promise<void>;
  /** Exactly these positions (after recovery); any other symbol is dropped. */
  replacePositions(positions: readonly PositionSnapshot[]): Promise<void>;
  positions(): Promise<PositionSnapshot[]>;
  setRiskState(state: RiskStateRecord): Promise<void>;
  riskState(): Promise<RiskStateRecord | undefined>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
