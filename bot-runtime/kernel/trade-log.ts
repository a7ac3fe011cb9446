// The trades a kernel keeps (its `trades`), as columns of the closed round
// trips' sums where all five are safe counts (ExactAmount's small form), and
// as records made at the close otherwise. A record is about 300 bytes of
// object and texts that the collector copies twice on the way to the old
// generation, and its texts (formatCount, displayRatio) were a tenth of a
// backtest; a counted trade is 72 bytes of typed columns and a reference. The
// records are made when `trades` is read, by the same closeTrade from the same
// sums (a small ExactAmount is its count and scale, nothing else), so they
// are equal to the ones a close made.

import { ExactAmount } from '../domain/exact-amount.ts';
import { doubled, objectList } from '../domain/lists.ts';
import { closeTrade, type OpenTrade, pnlSign, type TradeRecord, type TradeSums } from './open-trade.ts';

const STOP_LOSS = 1;
/** Doubles per row: the five sums' counts (bought, cost, sold, proceeds, fees), entry and exit time. */
const WIDE = 7;
/** Bytes per row: the symbol index, the exit reason and the five sums' scales. */
const NARROW = 7;

export class TradeLog {
  readonly #symbols: readonly string[];
  #n = 0;
  /** Trades whose record was made at the close (a sum that is not a safe count, or a symbol index past 255). */
  readonly #whole = new Map<number, TradeRecord>();
  /** The strategies of each trade (usually one list per symbol, shared); objectList: see lists.ts. */
  readonly #strategies: (readonly string[])[] = objectList();
  #counts = new Float64Array(WIDE * 64);
  #small = new Uint8Array(NARROW * 64);
  /** The records made so far (the first `#made.length` trades), extended when read. */
  readonly #made: TradeRecord[] = objectList();

  /** `symbols[k]`: the symbol a trade of index k is recorded under. */
  constructor(symbols: readonly string[]) {
    this.#symbols = symbols;
  }

  get length(): number {
    return this.#n;
  }

  /** Records the closed `trade` of symbol `k` and returns the sign of its PnL net of fees (-1, 0, 1). */
  add(trade: OpenTrade, k: number, exitTime: number): number {
    const i = this.#n++;
    this.#room(i);
    this.#strategies.push(trade.strategies);
    const { bought, cost, sold, proceeds, fees } = trade;
    if (
      k > 255 ||
      Number.isNaN(bought.smallCount) ||
      Number.isNaN(cost.smallCount) ||
      Number.isNaN(sold.smallCount) ||
      Number.isNaN(proceeds.smallCount) ||
      Number.isNaN(fees.smallCount)
    ) {
      const { record, pnl } = trade.close(this.#symbols[k]!, exitTime);
      this.#whole.set(i, record);
      return pnl;
    }
    const c = this.#counts;
    const w = WIDE * i;
    c[w] = bought.smallCount;
    c[w + 1] = cost.smallCount;
    c[w + 2] = sold.smallCount;
    c[w + 3] = proceeds.smallCount;
    c[w + 4] = fees.smallCount;
    c[w + 5] = trade.entryTime;
    c[w + 6] = exitTime;
    const m = this.#small;
    const b = NARROW * i;
    m[b] = k;
    m[b + 1] = trade.exitReason === 'stopLoss' ? STOP_LOSS : 0;
    m[b + 2] = bought.smallScale;
    m[b + 3] = cost.smallScale;
    m[b + 4] = sold.smallScale;
    m[b + 5] = proceeds.smallScale;
    m[b + 6] = fees.smallScale;
    return pnlSign(trade);
  }

  /** Room for row `i` in the typed columns (doubling). */
  #room(i: number): void {
    if (NARROW * i < this.#small.length) return;
    this.#counts = doubled(this.#counts);
    this.#small = doubled(this.#small);
  }

  /** Every trade closed, in order (each record made on the first read). */
  trades(): TradeRecord[] {
    const made = this.#made;
    for (let i = made.length; i < this.#n; i++) made.push(this.#whole.get(i) ?? this.#record(i));
    return made;
  }

  #record(i: number): TradeRecord {
    const c = this.#counts;
    const m = this.#small;
    const w = WIDE * i;
    const b = NARROW * i;
    const sums: TradeSums = {
      bought: ExactAmount.ofSmallCount(c[w]!, m[b + 2]!),
      cost: ExactAmount.ofSmallCount(c[w + 1]!, m[b + 3]!),
      sold: ExactAmount.ofSmallCount(c[w + 2]!, m[b + 4]!),
      proceeds: ExactAmount.ofSmallCount(c[w + 3]!, m[b + 5]!),
      fees: ExactAmount.ofSmallCount(c[w + 4]!, m[b + 6]!),
    };
    const reason = m[b + 1] === STOP_LOSS ? 'stopLoss' : 'signal';
    return closeTrade(sums, this.#symbols[m[b]!]!, this.#strategies[i]!, c[w + 5]!, c[w + 6]!, reason).record;
  }
}
