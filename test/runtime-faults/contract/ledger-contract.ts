// The Ledger contract: one suite for the file journal (unit test) and MongoDB
// (integration test on FerretDB). Idempotence by key is what lets a crash,
// a retry or a redelivery never count a fill twice.
import { afterEach, describe, expect, it } from 'vitest';
import { dec, Money, replayOrder } from '../../../bot-runtime/domain/index.ts';
import type { Ledger } from '../../../bot-runtime/store/ledger.ts';
import {
  type FillRecord,
  fillIdOf,
  type OrderRecord,
  orderEventFromRecord,
  orderEventToRecord,
  orderFromRecord,
  type PositionSnapshot,
} from '../../../bot-runtime/store/records.ts';

export interface LedgerFixture {
  readonly ledger: Ledger;
  /** Closes this ledger and opens the same store again (a restart). */
  reopen(): Promise<Ledger>;
  close(): Promise<void>;
}

export function fillRecord(n: number, overrides: Partial<FillRecord> = {}): FillRecord {
  const orderId = overrides.orderId ?? `o-${Math.ceil(n / 2)}`;
  const tradeId = overrides.tradeId ?? `t-${n}`;
  return {
    fillId: fillIdOf(orderId, tradeId),
    orderId,
    tradeId,
    symbol: 'ETHBTC',
    quote: 'BTC',
    side: n % 3 === 0 ? 'SELL' : 'BUY',
    quantity: `0.${n}`,
    price: `0.0${1000 + n}`,
    fee: { amount: '0.000000000000000001', currency: 'BTC' },
    liquidity: 'TAKER',
    ts: 1_700_000_000_000 + n,
    ...overrides,
  };
}

function snapshot(symbol: string, fillSeq: number, quantity: string): PositionSnapshot {
  return {
    symbol,
    quote: 'BTC',
    quantity,
    averagePrice: '0.05',
    realizedPnl: '0',
    boughtQuantity: quantity,
    soldQuantity: '0',
    fillCount: fillSeq,
    fillSeq,
    ts: fillSeq,
  };
}

export function ledgerContract(name: string, makeFixture: () => Promise<LedgerFixture>): void {
  describe(`Ledger contract: ${name}`, () => {
    let fixture: LedgerFixture | undefined;
    const open = async () => {
      fixture = await makeFixture();
      return fixture;
    };
    afterEach(async () => {
      await fixture?.close();
      fixture = undefined;
    });

    it('records a fill once per fill id and keeps ledger order', async () => {
      const { ledger } = await open();
      const a = await ledger.recordFill(fillRecord(1));
      const b = await ledger.recordFill(fillRecord(2));
      const again = await ledger.recordFill(fillRecord(1, { price: '9' }));
      expect(a.inserted).toBe(true);
      expect(b.inserted).toBe(true);
      expect(b.seq).toBeGreaterThan(a.seq);
      expect(again).toEqual({ seq: a.seq, inserted: false });
      const fills = await ledger.fills();
      expect(fills.map((f) => [f.fillId, f.price])).toEqual([
        ['o-1:t-1', '0.01001'],
        ['o-1:t-2', '0.01002'],
      ]);
      expect(fills[0]).toEqual({ ...fillRecord(1), seq: a.seq });
      expect(await ledger.hasFill('o-1:t-2')).toBe(true);
      expect(await ledger.hasFill('o-1:t-3')).toBe(false);
    });

    it('lets exactly one of concurrent writers of the same fill insert it', async () => {
      const { ledger } = await open();
      const results = await Promise.all(Array.from({ length: 6 }, () => ledger.recordFill(fillRecord(7))));
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      expect(new Set(results.map((r) => r.seq)).size).toBe(1);
      expect(await ledger.fills()).toHaveLength(1);
    });

    it('keeps decimal strings exactly', async () => {
      const { ledger } = await open();
      const tiny = fillRecord(1, { quantity: '123456789.123456789012345678', price: '0.000000012345678901' });
      await ledger.recordFill(tiny);
      const [stored] = await ledger.fills();
      expect(stored?.quantity).toBe('123456789.123456789012345678');
      expect(stored?.price).toBe('0.000000012345678901');
      expect(stored?.fee).toEqual({ amount: '0.000000000000000001', currency: 'BTC' });
    });

    it('records orders and their events once, and replays an order from them', async () => {
      const { ledger } = await open();
      const order: OrderRecord = {
        orderId: 'o-1',
        symbol: 'ETHBTC',
        side: 'BUY',
        type: 'LIMIT',
        quantity: '2',
        price: '0.05',
        timeInForce: 'GTC',
        ts: 1,
      };
      expect(await ledger.recordOrder(order)).toBe(true);
      expect(await ledger.recordOrder({ ...order, quantity: '3' })).toBe(false);
      const fill = {
        orderId: 'o-1',
        tradeId: 't-1',
        symbol: 'ETHBTC',
        side: 'BUY' as const,
        quantity: dec('2'),
        price: dec('0.049'),
        fee: new Money('0.0001', 'BTC'),
        liquidity: 'MAKER' as const,
        ts: 4,
      };
      const events = [
        orderEventToRecord('o-1', 0, { type: 'OrderSubmitted', ts: 2 }, 'BTC'),
        orderEventToRecord('o-1', 1, { type: 'OrderAccepted', venueOrderId: 'v-9', ts: 3 }, 'BTC'),
        orderEventToRecord('o-1', 2, { type: 'OrderFilled', fill, ts: 4 }, 'BTC'),
      ];
      // Out of order and twice: the ledger sorts by index and keeps one of each.
      for (const e of [events[2]!, events[0]!, events[1]!, events[0]!]) await ledger.recordOrderEvent(e);
      expect(await ledger.recordOrderEvent(events[1]!)).toBe(false);
      const [stored] = await ledger.orders();
      expect(stored).toEqual(order);
      const back = await ledger.orderEvents('o-1');
      expect(back.map((e) => e.index)).toEqual([0, 1, 2]);
      const replayed = replayOrder(orderFromRecord(stored!), back.map(orderEventFromRecord));
      expect(replayed.status).toBe('FILLED');
      expect(replayed.venueOrderId).toBe('v-9');
      expect(replayed.averagePrice?.toFixed()).toBe('0.049');
      expect(await ledger.orderEvents('o-2')).toEqual([]);
    });

    it('replaces a position snapshot only with a newer one', async () => {
      const { ledger } = await open();
      expect(await ledger.recordPosition(snapshot('ETHBTC', 5, '1'))).toBe(true);
      expect(await ledger.recordPosition(snapshot('ETHBTC', 3, '9'))).toBe(false);
      expect(await ledger.recordPosition(snapshot('ETHBTC', 5, '9'))).toBe(false);
      expect(await ledger.recordPosition(snapshot('LTCBTC', 2, '4'))).toBe(true);
      expect(await ledger.recordPosition(snapshot('ETHBTC', 6, '1.5'))).toBe(true);
      const positions = (await ledger.positions()).sort((a, b) => a.symbol.localeCompare(b.symbol));
      expect(positions).toEqual([snapshot('ETHBTC', 6, '1.5'), snapshot('LTCBTC', 2, '4')]);
    });

    it('records one equity point per time and reads a range back in order', async () => {
      const { ledger } = await open();
      for (const t of [30, 10, 20, 10]) await ledger.recordEquity({ t, equity: `1.${t}`, currency: 'BTC' });
      expect((await ledger.equity()).map((p) => p.t)).toEqual([10, 20, 30]);
      expect(await ledger.equity(15, 30)).toEqual([{ t: 20, equity: '1.20', currency: 'BTC' }]);
      expect(await ledger.recordEquity({ t: 20, equity: '5', currency: 'BTC' })).toBe(false);
    });

    it('writes a batch in one go: each record once, snapshots with the seqs its fills were given', async () => {
      const { ledger, reopen } = await open();
      const before = await ledger.recordFill(fillRecord(1));
      const order: OrderRecord = {
        orderId: 'o-2',
        symbol: 'ETHBTC',
        side: 'BUY',
        type: 'MARKET',
        quantity: '0.3',
        timeInForce: 'GTC',
        ts: 5,
      };
      const events = [orderEventToRecord('o-2', 0, { type: 'OrderSubmitted', ts: 5 }, 'BTC')];
      const batch = {
        orders: [order],
        events,
        // Fill 1 is already recorded, fill 3 comes twice: each is stored once.
        fills: [fillRecord(1), fillRecord(3), fillRecord(4), fillRecord(3)],
        positions: (seqOf: (fillId: string) => number) => [
          snapshot('ETHBTC', seqOf(fillRecord(4).fillId), '0.7'),
        ],
        equity: [{ t: 6, equity: '1.5', currency: 'BTC' }],
      };
      const recorded = await ledger.recordBatch(batch);
      expect(recorded.map((r) => r.inserted)).toEqual([false, true, true, false]);
      expect(recorded[0]!.seq).toBe(before.seq);
      expect(recorded[1]!.seq).toBeGreaterThan(before.seq);
      expect(recorded[2]!.seq).toBeGreaterThan(recorded[1]!.seq);
      expect(recorded[3]!.seq).toBe(recorded[1]!.seq);
      // Again, as a retry after a lost reply would: nothing changes.
      const again = await ledger.recordBatch(batch);
      expect(again.map((r) => [r.seq, r.inserted])).toEqual(recorded.map((r) => [r.seq, false]));
      const reopened = await reopen();
      expect((await reopened.fills()).map((f) => [f.fillId, f.seq])).toEqual([
        ['o-1:t-1', before.seq],
        ['o-2:t-3', recorded[1]!.seq],
        ['o-2:t-4', recorded[2]!.seq],
      ]);
      expect(await reopened.orders()).toEqual([order]);
      expect(await reopened.orderEvents('o-2')).toEqual(events);
      expect(await reopened.positions()).toEqual([snapshot('ETHBTC', recorded[2]!.seq, '0.7')]);
      expect(await reopened.equity()).toEqual([{ t: 6, equity: '1.5', currency: 'BTC' }]);
      // A batch never moves a snapshot back.
      await reopened.recordBatch({ positions: () => [snapshot('ETHBTC', before.seq, '9')] });
      expect(await reopened.positions()).toEqual([snapshot('ETHBTC', recorded[2]!.seq, '0.7')]);
      // A fill of an order recorded before, beside another order's event: both land, the fill numbered last.
      const later = orderEventToRecord(
        'o-2',
        1,
        { type: 'OrderAccepted', venueOrderId: 'v-2', ts: 7 },
        'BTC',
      );
      const [fifth] = await reopened.recordBatch({ events: [later], fills: [fillRecord(5)] });
      expect(fifth).toEqual({ seq: expect.any(Number), inserted: true });
      expect(fifth!.seq).toBeGreaterThan(recorded[2]!.seq);
      expect(await reopened.orderEvents('o-2')).toEqual([...events, later]);
    });

    it('keeps everything across a restart and numbers later fills after the earlier ones', async () => {
      const { ledger, reopen } = await open();
      const first = await ledger.recordFill(fillRecord(1));
      await ledger.recordPosition(snapshot('ETHBTC', first.seq, '0.1'));
      await ledger.recordEquity({ t: 1, equity: '1', currency: 'BTC' });
      const again = await reopen();
      expect(await again.recordFill(fillRecord(1))).toEqual({ seq: first.seq, inserted: false });
      const second = await again.recordFill(fillRecord(2));
      expect(second.seq).toBeGreaterThan(first.seq);
      expect((await again.fills()).map((f) => f.fillId)).toEqual(['o-1:t-1', 'o-1:t-2']);
      expect(await again.positions()).toEqual([snapshot('ETHBTC', first.seq, '0.1')]);
      expect(await again.equity()).toEqual([{ t: 1, equity: '1', currency: 'BTC' }]);
      await again.ping();
    });
  });
}
