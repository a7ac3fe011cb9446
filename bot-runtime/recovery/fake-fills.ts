// A ledger fill as the recovery tests write them: one trade per fill, the
// trade id from its sequence number, the fee in the quote. For tests only.
import type { StoredFill } from '../store/records.ts';

export function storedFill(
  seq: number,
  symbol: string,
  side: 'BUY' | 'SELL',
  quantity: string,
  price: string,
  fee: string,
  orderId = `O-${seq}`,
): StoredFill {
  return {
    seq,
    fillId: `${orderId}:T-${seq}`,
    orderId,
    tradeId: `T-${seq}`,
    symbol,
    quote: 'BTC',
    side,
    quantity,
    price,
    fee: { amount: fee, currency: 'BTC' },
    liquidity: 'TAKER',
    ts: 1_000 * seq,
  };
}
