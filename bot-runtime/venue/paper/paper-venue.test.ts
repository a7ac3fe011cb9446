import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOrderEvent, createOrder, dec, Instrument, type Order } from '../../domain/index.ts';
import type { VenueEvent } from '../venue.ts';
import { bpsFactor, PaperVenue, type PaperVenueOptions } from './paper-venue.ts';

const inst = new Instrument({
  symbol: 'ETH/BTC',
  base: 'ETH',
  quote: 'BTC',
  tickSize: '0.0001',
  lotSize: '0.01',
});
const TF = 300_000;
const exec = {
  makerFeePercent: '0.05',
  takerFeePercent: '0.1',
  slippageBps: 10,
  latencyMs: 50,
  partialFills: true,
};

function venue(over: Partial<PaperVenueOptions> = {}, ex: Partial<typeof exec> = {}): PaperVenue {
  return new PaperVenue({
    instruments: [inst],
    timeframeMs: TF,
    execution: { ...exec, ...ex },
    impactBps: 0,
    ...over,
  });
}

function order(side: 'BUY' | 'SELL', quantity: string, price?: string, id = 'O-1'): Order {
  const o = createOrder(inst, {
    id,
    side,
    type: price ? 'LIMIT' : 'MARKET',
    quantity,
    ...(price ? { price } : {}),
    ts: 0,
  });
  return applyOrderEvent(o, { type: 'OrderSubmitted', ts: 0 });
}

/** Candle k of a flat test market: open time k * TF. */
function candle(
  v: PaperVenue,
  k: number,
  o: number,
  h: number,
  l: number,
  c: number,
  vol: number,
): VenueEvent[] {
  const out: VenueEvent[] = [];
  v.onCandle(0, k * TF, o, h, l, c, vol, out);
  return out;
}

const fills = (ev: VenueEvent[]) =>
  ev.flatMap((e) => (e.type === 'OrderFilled' || e.type === 'StopFilled' ? [e.fill] : []));

/** An event as its reader sees it (a fill event's Fill read). */
const seen = (e: VenueEvent) =>
  e.type === 'OrderFilled' || e.type === 'StopFilled' ? { ...e, fill: { ...e.fill } } : { ...e };

describe('PaperVenue', () => {
  it('treats an order after finished ones as new: the events a fresh venue reports for it', () => {
    // Earlier orders of every kind, all finished by candle 4: a limit buy filled at once, a resting limit sell canceled, a market buy.
    const used = venue();
    used.submit(order('BUY', '2', '2.5', 'O-1'), TF);
    used.submit(order('SELL', '3', '9', 'O-2'), TF);
    candle(used, 1, 2, 2.1, 1.9, 2, 1000);
    used.cancel('O-2', 2 * TF);
    used.submit(order('BUY', '0.5', undefined, 'O-3'), 2 * TF);
    candle(used, 2, 2, 2.1, 1.9, 2, 1000);
    candle(used, 3, 2, 2.1, 1.9, 2, 1000);
    expect(used.activeCount(0)).toBe(0);
    // The next orders: a resting limit buy that fills as maker later, and a market sell.
    const fresh = venue();
    for (const v of [used, fresh]) {
      v.submit(order('BUY', '1.5', '1.8', 'O-4'), 4 * TF);
      v.submit(order('SELL', '0.7', undefined, 'O-5'), 4 * TF);
    }
    for (let k = 4; k < 7; k++) {
      const low = k === 5 ? 1.7 : 1.9;
      expect(candle(used, k, 2, 2.1, low, 2, 1000).map(seen)).toEqual(
        candle(fresh, k, 2, 2.1, low, 2, 1000).map(seen),
      );
    }
    expect(used.activeCount(0)).toBe(0);
  });

  it('a market buy sent at a close fills at the next open plus slippage, as taker', () => {
    const v = venue();
    v.submit(order('BUY', '1'), TF); // sent when candle 0 closes; arrives 50 ms into candle 1
    expect(v.activeCount(0)).toBe(1);
    const ev = candle(v, 1, 2, 2.1, 1.9, 2, 1000);
    expect(ev[0]).toMatchObject({ type: 'OrderAccepted', orderId: 'O-1', ts: TF + 50 });
    const [f] = fills(ev);
    // 2 * (1 + 10 bp) = 2.002, rounded up to the tick.
    expect(f).toMatchObject({ side: 'BUY', liquidity: 'TAKER', tradeId: 'O-1-1', ts: TF + 50 });
    expect(f!.price.toFixed()).toBe('2.002');
    expect(f!.quantity.toFixed()).toBe('1');
    expect(f!.fee.amount.toFixed()).toBe('0.002002');
    expect(f!.fee.currency).toBe('BTC');
    expect(v.activeCount(0)).toBe(0);
  });

  it('latency longer than a candle delays the fill to the candle the order arrives in', () => {
    const v = venue({}, { latencyMs: TF + 1 });
    v.submit(order('SELL', '1'), TF);
    expect(fills(candle(v, 1, 2, 2, 2, 2, 100))).toEqual([]);
    const [f] = fills(candle(v, 2, 3, 3, 3, 3, 100));
    // Sells slip down: 3 * (1 - 10 bp) = 2.997, clamped to the candle's low (3).
    expect(f!.price.toFixed()).toBe('3');
  });

  it('volume-share impact grows with the square root of the share', () => {
    const v = venue({ impactBps: 100, maxVolumeShare: 1 }, { slippageBps: 0 });
    v.submit(order('BUY', '25'), 0);
    const [f] = fills(candle(v, 0, 1, 2, 1, 1, 100));
    // share 0.25 -> 100 * sqrt(0.25) = 50 bp -> 1.005.
    expect(f!.price.toFixed()).toBe('1.005');
  });

  it('partial fills take at most maxVolumeShare of each candle, the rest works on', () => {
    const v = venue({ maxVolumeShare: 0.1 });
    v.submit(order('BUY', '25'), 0);
    const a = fills(candle(v, 0, 1, 1.1, 0.9, 1, 100));
    const b = fills(candle(v, 1, 1, 1.1, 0.9, 1, 100));
    const c = fills(candle(v, 2, 1, 1.1, 0.9, 1, 100));
    expect([...a, ...b, ...c].map((f) => f.quantity.toFixed())).toEqual(['10', '10', '5']);
    expect(c[0]!.tradeId).toBe('O-1-3');
    expect(v.activeCount(0)).toBe(0);
  });

  it('without partial fills the whole order fills at once; a candle without volume fills nothing when partial', () => {
    const whole = venue({}, { partialFills: false });
    whole.submit(order('BUY', '25'), 0);
    expect(fills(candle(whole, 0, 1, 1.1, 0.9, 1, 100))[0]!.quantity.toFixed()).toBe('25');
    const part = venue();
    part.submit(order('BUY', '1'), 0);
    expect(fills(candle(part, 0, 1, 1, 1, 1, 0))).toEqual([]);
    expect(part.activeCount(0)).toBe(1);
  });

  it('a resting buy limit fills as maker at its price when the low trades through it', () => {
    const v = venue();
    v.submit(order('BUY', '1', '0.95'), 0);
    expect(fills(candle(v, 0, 1, 1.1, 0.95, 1, 100))).toEqual([]); // touching is not crossing
    const [f] = fills(candle(v, 1, 1, 1.1, 0.94, 1, 100));
    expect(f).toMatchObject({ liquidity: 'MAKER' });
    expect(f!.price.toFixed()).toBe('0.95');
    expect(f!.fee.amount.toFixed()).toBe('0.000475');
  });

  it('a marketable limit fills at the open as taker', () => {
    const v = venue({}, { slippageBps: 0 });
    v.submit(order('BUY', '1', '1.2'), 0);
    const [f] = fills(candle(v, 0, 1, 1.3, 0.9, 1, 100));
    expect(f).toMatchObject({ liquidity: 'TAKER' });
    expect(f!.price.toFixed()).toBe('1');
  });

  it('cancels take effect after the latency; a canceled order never fills', () => {
    const v = venue();
    v.submit(order('BUY', '1', '0.5'), 0);
    v.cancel('O-1', 10);
    const ev = candle(v, 0, 1, 1, 1, 1, 100);
    expect(ev.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderCanceled']);
    expect(fills(candle(v, 1, 0.4, 0.4, 0.4, 0.4, 100))).toEqual([]);
  });

  it('the protective stop fills at the stop, or at the open when the candle gaps below it, and cancels working sells', () => {
    const v = venue({}, { slippageBps: 0 });
    v.protect(0, dec('0.9'), dec('2'), 0);
    expect(fills(candle(v, 0, 1, 1, 0.91, 1, 100))).toEqual([]);
    v.submit(order('SELL', '2', '1.5', 'O-9'), TF);
    const ev = candle(v, 1, 1, 1, 0.8, 0.85, 100);
    const [f] = fills(ev);
    expect(ev[0]).toMatchObject({ type: 'StopFilled' });
    expect(f!.price.toFixed()).toBe('0.9');
    expect(ev.some((e) => e.type === 'OrderCanceled' && e.orderId === 'O-9')).toBe(true);
    const gap = venue({}, { slippageBps: 0 });
    gap.protect(0, dec('0.9'), dec('1'), 0);
    expect(fills(candle(gap, 0, 0.7, 0.75, 0.6, 0.7, 100))[0]!.price.toFixed()).toBe('0.7');
  });

  it('is deterministic for a seed, jitter included, and differs across seeds', () => {
    const runWith = (seed: number) => {
      const v = venue({ seed, latencyJitterMs: 400_000, slippageJitterBps: 20 });
      const out: string[] = [];
      for (let i = 0; i < 20; i++) {
        v.submit(order(i % 2 ? 'SELL' : 'BUY', '1', undefined, `O-${i}`), i * TF);
        for (const f of fills(candle(v, i, 1, 1.1, 0.9, 1, 1000)))
          out.push(`${f.tradeId}@${f.price.toFixed()}:${f.ts}`);
      }
      return out;
    };
    expect(runWith(7)).toEqual(runWith(7));
    expect(runWith(7)).not.toEqual(runWith(8));
  });
});

describe('bpsFactor', () => {
  it('is bps.toFixed(6) x 0.0001 to the digit', () => {
    const product = (bps: number) => dec(bps.toFixed(6)).times(dec('0.0001'));
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ noNaN: true })),
        (bps) => {
          expect(bpsFactor(bps).toString()).toBe(product(bps).toString());
        },
      ),
      { numRuns: 5000 },
    );
    for (const bps of [0, -0, 5, 0.0000004, 12.3456785, 1e19, 1e25, Number.POSITIVE_INFINITY])
      expect(bpsFactor(bps).toString()).toBe(product(bps).toString());
  });
});
