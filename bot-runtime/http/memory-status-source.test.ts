import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, Instrument, Money, Portfolio } from '../domain/index.ts';
import { MemoryStatusSource } from './memory-status-source.ts';
import { InvalidCursorError, type StatusEvent, type TradeView } from './status-source.ts';

const BOT = { namespace: 'desk-a', name: 'eth-btc' };
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

function source(options: Partial<ConstructorParameters<typeof MemoryStatusSource>[0]> = {}) {
  let now = T0;
  const s = new MemoryStatusSource({
    bot: BOT,
    currency: 'BTC',
    initialEquity: '1',
    now: () => now,
    ...options,
  });
  return {
    s,
    setNow: (t: number) => {
      now = t;
    },
  };
}

function trade(i: number, time = T0 + i * 1000): TradeView {
  return {
    id: `t${i}`,
    orderId: `o${i}`,
    symbol: 'ETH/BTC',
    side: i % 2 === 0 ? 'buy' : 'sell',
    quantity: '0.5',
    price: '0.05',
    fee: '0.000025',
    feeCurrency: 'BTC',
    liquidity: 'taker',
    time: new Date(time).toISOString(),
  };
}

/** A BTC portfolio that bought 2 ETH at 0.05 with its 1 BTC (no fee): 0.9 BTC cash left. */
function holdingTwoEth(): Portfolio {
  const eth = new Instrument({
    symbol: 'ETHBTC',
    base: 'ETH',
    quote: 'BTC',
    tickSize: '0.00001',
    lotSize: '0.001',
  });
  const portfolio = new Portfolio({ currency: 'BTC', cash: '1', instruments: [eth] });
  portfolio.applyFill({
    orderId: 'o-1',
    tradeId: 'f-1',
    symbol: 'ETHBTC',
    side: 'BUY',
    quantity: dec('2'),
    price: dec('0.05'),
    fee: new Money('0', 'BTC'),
    liquidity: 'TAKER',
    ts: T0,
  });
  return portfolio;
}

describe('MemoryStatusSource status', () => {
  it('starts at the initial equity with nothing traded', () => {
    const { s } = source();
    expect(s.status()).toMatchObject({
      bot: BOT,
      mode: 'paper',
      phase: 'Running',
      currency: 'BTC',
      equity: '1',
      pnlToday: '0',
      pnlTotal: '0',
      openPositions: 0,
      tradesToday: 0,
      risk: { state: 'Active' },
      lastUpdateTime: new Date(T0).toISOString(),
    });
  });

  it('computes PnL today from the equity where the UTC day started, and PnL total from the start', () => {
    const { s, setNow } = source();
    s.recordEquity(T0, '1.1');
    expect(s.status()).toMatchObject({ equity: '1.1', pnlToday: '0.1', pnlTotal: '0.1' });
    // Next day: the day starts from the last equity of the previous one.
    setNow(T0 + DAY);
    expect(s.status().pnlToday).toBe('0');
    s.recordEquity(T0 + DAY, '1.05');
    expect(s.status()).toMatchObject({ equity: '1.05', pnlToday: '-0.05', pnlTotal: '0.05' });
  });

  it('counts trades of the current UTC day only', () => {
    const { s, setNow } = source();
    s.recordTrade(trade(1));
    s.recordTrade(trade(2));
    expect(s.status().tradesToday).toBe(2);
    setNow(T0 + DAY);
    expect(s.status().tradesToday).toBe(0);
    s.recordTrade(trade(3, T0 + DAY));
    expect(s.status().tradesToday).toBe(1);
  });

  it('streams risk and phase changes as status events', () => {
    const { s } = source();
    const events: StatusEvent[] = [];
    s.subscribe((e) => events.push(e));
    s.update({ phase: 'Halted', risk: { state: 'Halted', reason: 'DAILY_LOSS_LIMIT: loss_percent=5.2' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'status',
      status: { phase: 'Halted', risk: { state: 'Halted', reason: 'DAILY_LOSS_LIMIT: loss_percent=5.2' } },
    });
  });

  it('keeps notifying the other subscribers when one throws, and stops after unsubscribe', () => {
    const { s } = source();
    const seen: string[] = [];
    s.subscribe(() => {
      throw new Error('broken subscriber');
    });
    const off = s.subscribe((e) => seen.push(e.type));
    s.recordEquity(T0, '1');
    off();
    s.recordEquity(T0 + 1, '1');
    expect(seen).toEqual(['equity']);
    expect(s.subscriberCount).toBe(1);
  });
});

describe('MemoryStatusSource trades', () => {
  it('pages newest first with a cursor until the oldest trade', () => {
    const { s } = source();
    for (let i = 1; i <= 7; i++) s.recordTrade(trade(i));
    const p1 = s.trades({ limit: 3 });
    expect(p1.items.map((t) => t.id)).toEqual(['t7', 't6', 't5']);
    expect(p1.nextCursor).toBeTypeOf('string');
    const p2 = s.trades({ limit: 3, cursor: p1.nextCursor! });
    expect(p2.items.map((t) => t.id)).toEqual(['t4', 't3', 't2']);
    const p3 = s.trades({ limit: 3, cursor: p2.nextCursor! });
    expect(p3.items.map((t) => t.id)).toEqual(['t1']);
    expect(p3.nextCursor).toBeUndefined();
  });

  it('keeps a page stable while new trades arrive', () => {
    const { s } = source();
    for (let i = 1; i <= 5; i++) s.recordTrade(trade(i));
    const p1 = s.trades({ limit: 2 });
    s.recordTrade(trade(6));
    s.recordTrade(trade(7));
    expect(s.trades({ limit: 2, cursor: p1.nextCursor! }).items.map((t) => t.id)).toEqual(['t3', 't2']);
  });

  it('drops the oldest trades past its capacity', () => {
    const { s } = source({ tradeCapacity: 3 });
    for (let i = 1; i <= 5; i++) s.recordTrade(trade(i));
    const all = s.trades({ limit: 10 });
    expect(all.items.map((t) => t.id)).toEqual(['t5', 't4', 't3']);
    expect(all.nextCursor).toBeUndefined();
  });

  it('refuses a cursor it did not issue', () => {
    const { s } = source();
    s.recordTrade(trade(1));
    expect(() => s.trades({ limit: 1, cursor: 'bm90LWEtY3Vyc29y' })).toThrow(InvalidCursorError);
    expect(() => s.trades({ limit: 1, cursor: Buffer.from('t99').toString('base64url') })).toThrow(
      InvalidCursorError,
    );
  });

  it('every trade appears exactly once across the pages (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 9 }),
        (n, cap, limit) => {
          const { s } = source({ tradeCapacity: cap });
          for (let i = 0; i < n; i++) s.recordTrade(trade(i));
          const seen: string[] = [];
          let cursor: string | undefined;
          do {
            const page = s.trades(cursor === undefined ? { limit } : { limit, cursor });
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items.map((t) => t.id));
            cursor = page.nextCursor;
          } while (cursor !== undefined);
          const kept = Math.min(n, cap);
          const expected = Array.from({ length: kept }, (_, k) => `t${n - 1 - k}`);
          expect(seen).toEqual(expected);
        },
      ),
    );
  });

  it('records a domain fill as a trade in wire form', () => {
    const { s } = source({ displaySymbol: (sym) => (sym === 'ETHBTC' ? 'ETH/BTC' : sym) });
    const view = s.recordFill(
      {
        orderId: 'o-1',
        tradeId: 'f-1',
        symbol: 'ETHBTC',
        side: 'SELL',
        quantity: dec('0.25'),
        price: dec('0.0512'),
        fee: new Money('0.0000128', 'BTC'),
        liquidity: 'MAKER',
        ts: T0,
      },
      '-0.0004',
    );
    expect(view).toEqual({
      id: 'f-1',
      orderId: 'o-1',
      symbol: 'ETH/BTC',
      side: 'sell',
      quantity: '0.25',
      price: '0.0512',
      fee: '0.0000128',
      feeCurrency: 'BTC',
      liquidity: 'maker',
      time: new Date(T0).toISOString(),
      realizedPnl: '-0.0004',
    });
  });
});

describe('MemoryStatusSource equity', () => {
  it('answers a window, and buckets by step keeping the last point of each', () => {
    const { s } = source();
    for (let i = 0; i < 10; i++) s.recordEquity(T0 + i * 1000, String(1 + i / 100));
    const win = s.equity({ from: T0 + 2000, to: T0 + 4000, maxPoints: 100 });
    expect(win.points.map((p) => p.equity)).toEqual(['1.02', '1.03', '1.04']);
    expect(win.step).toBe(0);
    const buckets = s.equity({ step: 5000, maxPoints: 100 });
    // T0 is a multiple of 5 s, so buckets are [0,5) and [5,10) seconds.
    expect(buckets.points.map((p) => p.equity)).toEqual(['1.04', '1.09']);
    expect(buckets.step).toBe(5000);
  });

  it('widens the step to stay under maxPoints, ending on the last point', () => {
    const { s } = source();
    for (let i = 0; i < 1000; i++) s.recordEquity(T0 + i * 60_000, String(i));
    const series = s.equity({ maxPoints: 50 });
    expect(series.points.length).toBeLessThanOrEqual(50);
    expect(series.points.length).toBeGreaterThan(10);
    expect(series.points.at(-1)?.equity).toBe('999');
    expect(series.step).toBeGreaterThan(0);
  });

  it('refuses times that go backwards and replaces a point at the same time', () => {
    const { s } = source();
    s.recordEquity(T0, '1');
    s.recordEquity(T0, '1.2');
    expect(s.equity({ maxPoints: 10 }).points).toEqual([{ t: T0, equity: '1.2' }]);
    expect(() => s.recordEquity(T0 - 1, '1')).toThrow(RangeError);
  });

  it('takes positions and equity from a domain Portfolio', () => {
    const { s } = source({ displaySymbol: (sym) => (sym === 'ETHBTC' ? 'ETH/BTC' : sym) });
    const portfolio = holdingTwoEth();
    const events: string[] = [];
    s.subscribe((e) => events.push(e.type));
    s.syncPortfolio(portfolio, { ETHBTC: '0.06' }, T0 + 1000);
    expect(s.positions()).toEqual([
      {
        symbol: 'ETH/BTC',
        side: 'long',
        quantity: '2',
        entryPrice: '0.05',
        markPrice: '0.06',
        unrealizedPnl: '0.02',
        realizedPnl: '0',
      },
    ]);
    expect(s.status()).toMatchObject({ equity: '1.02', pnlTotal: '0.02', openPositions: 1 });
    expect(events).toEqual(['positions', 'equity', 'status']);
  });

  it('reads, with nobody subscribed, the same status a subscriber is streamed', () => {
    const portfolio = holdingTwoEth();
    const watched = source();
    const quiet = source();
    const streamed: StatusEvent[] = [];
    watched.s.subscribe((e) => streamed.push(e));
    const steps: [t: number, mark: string, equity: string][] = [
      [T0 + 1000, '0.06', '1.02'],
      [T0 + 2000, '0.04', '0.98'],
      [T0 + DAY, '0.05', '1'],
    ];
    for (const [t, mark, equity] of steps) {
      for (const { s, setNow } of [watched, quiet]) {
        setNow(t);
        s.syncPortfolio(portfolio, { ETHBTC: mark }, t);
      }
      const last = streamed.findLast((e) => e.type === 'status');
      expect(last?.type === 'status' ? last.status : undefined).toEqual(quiet.s.status());
      // Read after every sync, not only once: a view kept from an earlier sync would be stale here.
      expect(quiet.s.status().equity).toBe(equity);
    }
    quiet.s.update({ phase: 'Halted' });
    watched.s.update({ phase: 'Halted' });
    expect(streamed.at(-1)).toEqual({ type: 'status', status: quiet.s.status() });
  });

  it('records the equity the caller worked out instead of working it out again', () => {
    const { s } = source();
    const portfolio = new Portfolio({ currency: 'BTC', cash: '1', instruments: [] });
    s.syncPortfolio(portfolio, {}, T0 + 1000, '1.5');
    expect(s.status().equity).toBe('1.5');
  });
});

describe('MemoryStatusSource health', () => {
  it('reports readiness and dependencies as set', () => {
    const { s } = source();
    s.setDependency('nats', { ok: true });
    s.setDependency('redis', { ok: false, required: false, detail: 'connection refused' });
    s.setReady(false);
    expect(s.health()).toEqual({
      ready: false,
      dependencies: [
        { name: 'nats', ok: true, required: true },
        { name: 'redis', ok: false, required: false, detail: 'connection refused' },
      ],
    });
  });
});
