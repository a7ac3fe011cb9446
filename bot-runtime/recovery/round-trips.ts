// The ledger's fills folded into round trips the way the kernel books them
// (OpenTrade): a trade opens with the first fill while flat and closes with the
// fill that makes the position flat again; its PnL is what it sold for, less
// what it cost, less every fee of its fills. Closed ones feed the risk
// engine's loss streak and pair locks after a restart; the open ones seed the
// restarted kernel's trades, so their close books the same PnL, fees included.
import type { Decimal } from '../domain/index.ts';
import { dec, ZERO } from '../domain/index.ts';
import type { TradeSeed } from '../kernel/kernel.ts';
import type { ClosedTrade } from '../risk/restore.ts';
import type { StoredFill } from '../store/records.ts';

export interface RoundTrips {
  readonly closed: readonly ClosedTrade[];
  /** At most one per symbol: the position held at the end of the fills. */
  readonly open: readonly TradeSeed[];
}

interface Trip {
  entryTime: number;
  position: Decimal;
  bought: Decimal;
  cost: Decimal;
  sold: Decimal;
  proceeds: Decimal;
  fees: Decimal;
  stopLoss: boolean;
}

/**
 * `isStopLoss`: whether a fill came from a position's protective stop (the
 * stop is the position's bracket at the venue, not an order of the kernel's).
 */
export function roundTrips(
  fills: readonly StoredFill[],
  isStopLoss: (fill: StoredFill) => boolean,
): RoundTrips {
  const trips = new Map<string, Trip>();
  const closed: ClosedTrade[] = [];
  for (const fill of [...fills].sort((a, b) => a.seq - b.seq)) {
    const quantity = dec(fill.quantity);
    const notional = quantity.times(dec(fill.price));
    const buy = fill.side === 'BUY';
    let trip = trips.get(fill.symbol);
    if (!trip) {
      trip = {
        entryTime: fill.ts,
        position: ZERO,
        bought: ZERO,
        cost: ZERO,
        sold: ZERO,
        proceeds: ZERO,
        fees: ZERO,
        stopLoss: false,
      };
      trips.set(fill.symbol, trip);
    }
    if (buy && trip.bought.isZero()) trip.entryTime = fill.ts;
    trip.fees = trip.fees.plus(dec(fill.fee.amount));
    if (buy) {
      trip.bought = trip.bought.plus(quantity);
      trip.cost = trip.cost.plus(notional);
      trip.position = trip.position.plus(quantity);
    } else {
      trip.sold = trip.sold.plus(quantity);
      trip.proceeds = trip.proceeds.plus(notional);
      trip.position = trip.position.minus(quantity);
      if (isStopLoss(fill)) trip.stopLoss = true;
    }
    if (trip.position.isZero()) {
      closed.push({
        symbol: fill.symbol,
        exitTime: fill.ts,
        pnl: trip.proceeds.minus(trip.cost).minus(trip.fees),
        stopLoss: trip.stopLoss,
      });
      trips.delete(fill.symbol);
    }
  }
  const open = [...trips].map(
    ([symbol, t]): TradeSeed => ({
      symbol,
      entryTime: t.entryTime,
      bought: t.bought,
      cost: t.cost,
      sold: t.sold,
      proceeds: t.proceeds,
      fees: t.fees,
      exitReason: t.stopLoss ? 'stopLoss' : 'signal',
    }),
  );
  return { closed, open };
}
