import { describe, expect, it } from 'vitest';
import type { StoredFill } from '../store/records.ts';
import { storedFill as fill } from './fake-fills.ts';
import { roundTrips } from './round-trips.ts';

const isStop = (f: StoredFill) => f.orderId.includes('-SL-');

describe('roundTrips', () => {
  it('closes a trade with the fill that makes the position flat: proceeds less cost less every fee', () => {
    const trips = roundTrips(
      [
        fill(1, 'ETH/BTC', 'BUY', '2', '0.07', '0.00014'),
        fill(2, 'ETH/BTC', 'BUY', '1', '0.1', '0.0001'),
        fill(3, 'ETH/BTC', 'SELL', '3', '0.09', '0.00027'),
        fill(4, 'LTC/BTC', 'BUY', '5', '0.02', '0.0001'),
        fill(5, 'LTC/BTC', 'SELL', '5', '0.019', '0.000095', 'LTC/BTC-SL-1'),
      ],
      isStop,
    );
    expect(trips.open).toEqual([]);
    expect(trips.closed.map((c) => [c.symbol, c.exitTime, c.pnl.toFixed(), c.stopLoss])).toEqual([
      // 0.27 - 0.24 - 0.00051
      ['ETH/BTC', 3_000, '0.02949', false],
      // 0.095 - 0.1 - 0.000195
      ['LTC/BTC', 5_000, '-0.005195', true],
    ]);
  });

  it('an open position is its round trip so far: entry time, sums and fees, partial stop exits too', () => {
    const trips = roundTrips(
      [
        fill(1, 'ETH/BTC', 'BUY', '1', '0.1', '0.0001'),
        fill(2, 'ETH/BTC', 'SELL', '1', '0.11', '0.00011'),
        fill(3, 'ETH/BTC', 'BUY', '4', '0.1', '0.0004'),
        fill(4, 'ETH/BTC', 'SELL', '1', '0.098', '0.000098', 'ETH/BTC-SL-2'),
      ],
      isStop,
    );
    expect(trips.closed).toHaveLength(1);
    expect(trips.open).toHaveLength(1);
    const open = trips.open[0]!;
    expect({
      ...open,
      bought: open.bought.toFixed(),
      cost: open.cost.toFixed(),
      sold: open.sold.toFixed(),
      proceeds: open.proceeds.toFixed(),
      fees: open.fees.toFixed(),
    }).toEqual({
      symbol: 'ETH/BTC',
      entryTime: 3_000,
      bought: '4',
      cost: '0.4',
      sold: '1',
      proceeds: '0.098',
      fees: '0.000498',
      exitReason: 'stopLoss',
    });
  });

  it('folds in ledger order (seq), whatever order the fills come in', () => {
    const fills = [
      fill(1, 'ETH/BTC', 'BUY', '1', '0.1', '0.0001'),
      fill(2, 'ETH/BTC', 'SELL', '1', '0.09', '0.00009'),
      fill(3, 'ETH/BTC', 'BUY', '1', '0.1', '0.0001'),
    ];
    const trips = roundTrips([...fills].reverse(), isStop);
    expect(trips.closed.map((c) => c.exitTime)).toEqual([2_000]);
    expect(trips.open.map((t) => [t.entryTime, t.fees.toFixed()])).toEqual([[3_000, '0.0001']]);
  });
});
