// Hot state in memory, for `botcore run` and tests: the same rules as Redis
// (price expiry, positions only forward).
import {
  DEFAULT_PRICE_TTL_MS,
  type HotState,
  type HotStateOptions,
  type PriceRecord,
  type RiskStateRecord,
} from './hot-state.ts';
import type { PositionSnapshot } from './records.ts';

export class MemoryHotState implements HotState {
  readonly #priceTtlMs: number;
  readonly #now: () => number;
  readonly #prices = new Map<string, { record: PriceRecord; expires: number }>();
  #positions = new Map<string, PositionSnapshot>();
  #risk: RiskStateRecord | undefined;

  constructor(options: HotStateOptions & { now?: () => number } = {}) {
    this.#priceTtlMs = options.priceTtlMs ?? DEFAULT_PRICE_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  async setPrices(prices: readonly PriceRecord[]): Promise<void> {
    const expires = this.#now() + this.#priceTtlMs;
    for (const record of prices) this.#prices.set(record.symbol, { record: { ...record }, expires });
  }

  async prices(symbols: readonly string[]): Promise<Map<string, PriceRecord>> {
    const now = this.#now();
    const out = new Map<string, PriceRecord>();
    for (const symbol of symbols) {
      const entry = this.#prices.get(symbol);
      if (entry && entry.expires > now) out.set(symbol, entry.record);
    }
    return out;
  }

  async setPositions(positions: readonly PositionSnapshot[]): Promise<void> {
    for (const p of positions) {
      const current = this.#positions.get(p.symbol);
      if (!current || current.fillSeq < p.fillSeq) this.#positions.set(p.symbol, { ...p });
    }
  }

  async replacePositions(positions: readonly PositionSnapshot[]): Promise<void> {
    this.#positions = new Map(positions.map((p) => [p.symbol, { ...p }]));
  }

  async positions(): Promise<PositionSnapshot[]> {
    return [...this.#positions.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  async setRiskState(state: RiskStateRecord): Promise<void> {
    this.#risk = { ...state };
  }

  async riskState(): Promise<RiskStateRecord | undefined> {
    return this.#risk;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
