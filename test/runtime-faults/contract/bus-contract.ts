// The Bus contract: one suite, run against the in-process bus (unit test,
// bot-runtime/bus/in-process-bus.test.ts) and NATS JetStream (integration test,
// bot-runtime/bus/nats-bus.int.test.ts), so `botcore run` and the pods behave alike.
import { propagation, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bus, ConsumerSpec, Delivery, MarketDataMessage } from '../../../bot-runtime/bus/bus.ts';
import { consumeEvents } from '../../../bot-runtime/bus/consume.ts';
import { eventually } from '../../support/eventually.ts';

export interface BusFixture {
  readonly bus: Bus;
  /** A second client of the same bot (another pod, or the operator). */
  peer(): Promise<Bus>;
  close(): Promise<void>;
}

interface FillPayload {
  fillId: string;
  price: string;
  quantity: string;
}

const fill = (n: number): FillPayload => ({ fillId: `f-${n}`, price: `0.0${n}01`, quantity: `1.${n}` });

export function busContract(name: string, makeFixture: () => Promise<BusFixture>): void {
  describe(`Bus contract: ${name}`, () => {
    let fixture: BusFixture | undefined;
    const open = async (): Promise<BusFixture> => {
      fixture = await makeFixture();
      return fixture;
    };
    beforeAll(() => {
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    });
    afterEach(async () => {
      await fixture?.close();
      fixture = undefined;
    });

    it('stores a durable event once per message id', async () => {
      const { bus } = await open();
      const first = await bus.publishEvent('fills', 'f-1', fill(1));
      const again = await bus.publishEvent('fills', 'f-1', fill(1));
      const second = await bus.publishEvent('fills', 'f-2', fill(2));
      expect(first.duplicate).toBe(false);
      expect(again).toEqual({ seq: first.seq, duplicate: true });
      expect(second).toEqual({ seq: first.seq + 1, duplicate: false });
      const consumer: ConsumerSpec = { name: 'contract-dedup', maxAckPending: 10 };
      expect(await bus.unacknowledged('fills', consumer)).toBe(2);
      const got = await bus.fetchEvents<FillPayload>('fills', consumer, 10, 1000);
      expect(got.map((d) => [d.id, d.payload])).toEqual([
        ['f-1', fill(1)],
        ['f-2', fill(2)],
      ]);
    });

    it('delivers in stream order to a durable consumer and remembers its acks', async () => {
      const { bus, peer } = await open();
      for (let i = 1; i <= 25; i++) await bus.publishEvent('orders', `o-${i}`, { n: i });
      const spec: ConsumerSpec = { name: 'contract-order' };
      const seen: number[] = [];
      const running = consumeEvents<{ n: number }>(bus, 'orders', spec, async (d) => {
        seen.push(d.payload.n);
      });
      await eventually(() => (seen.length >= 10 ? true : undefined), '10 deliveries');
      await running.unsubscribe();
      // Another client resumes the same durable consumer where the acks left it.
      const other = await peer();
      const rest: number[] = [];
      const resumed = consumeEvents<{ n: number }>(other, 'orders', spec, async (d) => {
        rest.push(d.payload.n);
      });
      await eventually(() => (seen.length + rest.length >= 25 ? true : undefined), 'all 25');
      await resumed.unsubscribe();
      expect([...seen, ...rest]).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      expect(await other.unacknowledged('orders', spec)).toBe(0);
    });

    it('redelivers a nak-ed event before any later one', async () => {
      const { bus } = await open();
      await bus.publishEvent('fills', 'a', { n: 1 });
      await bus.publishEvent('fills', 'b', { n: 2 });
      const spec: ConsumerSpec = { name: 'contract-nak' };
      const [first] = await bus.fetchEvents<{ n: number }>('fills', spec, 1, 1000);
      expect(first?.id).toBe('a');
      expect(first?.deliveryCount).toBe(1);
      first?.nak();
      const [again] = await bus.fetchEvents<{ n: number }>('fills', spec, 1, 5000);
      expect(again?.id).toBe('a');
      expect(again?.deliveryCount).toBe(2);
      await again?.ack();
      const [next] = await bus.fetchEvents<{ n: number }>('fills', spec, 1, 5000);
      expect(next?.id).toBe('b');
      expect(next?.deliveryCount).toBe(1);
    });

    it('redelivers an event whose ack did not come within the ack wait', async () => {
      const { bus } = await open();
      await bus.publishEvent('positions', 'p-1', { symbol: 'ETH/BTC', quantity: '1' });
      const spec: ConsumerSpec = { name: 'contract-ackwait', ackWaitMs: 1000 };
      const [lost] = await bus.fetchEvents('positions', spec, 1, 1000);
      expect(lost?.id).toBe('p-1');
      // Never acked: a consumer that died mid-way.
      expect(await bus.unacknowledged('positions', spec)).toBe(1);
      const again = await eventually(async () => {
        const [d] = await bus.fetchEvents('positions', spec, 1, 1000);
        return d;
      }, 'the redelivery');
      expect(again.id).toBe('p-1');
      expect(again.deliveryCount).toBeGreaterThan(1);
      await again.ack();
      // At least once: NATS 2.9 may hand out one more copy when a redelivery raced the expiry of
      // an earlier pull request. Whatever comes is this same message, and acking it settles it.
      const extra: string[] = [];
      await eventually(async () => {
        if ((await bus.unacknowledged('positions', spec)) === 0) return true;
        for (const d of await bus.fetchEvents('positions', spec, 1, 1000)) {
          extra.push(d.id);
          await d.ack();
        }
        return undefined;
      }, 'nothing outstanding');
      expect(extra.every((id) => id === 'p-1')).toBe(true);
    });

    it('gives every durable consumer its own copy', async () => {
      const { bus } = await open();
      for (const id of ['s1', 's2', 's3']) await bus.publishEvent('signals', id, { id });
      const ids = async (name: string) => {
        const out: string[] = [];
        while (out.length < 3) {
          const got = await bus.fetchEvents('signals', { name, maxAckPending: 3 }, 3, 1000);
          for (const d of got) {
            out.push(d.id);
            await d.ack();
          }
        }
        return out;
      };
      expect(await ids('contract-one')).toEqual(['s1', 's2', 's3']);
      expect(await ids('contract-two')).toEqual(['s1', 's2', 's3']);
    });

    it('carries the W3C trace context in headers', async () => {
      const { bus } = await open();
      const spanContext = {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: TraceFlags.SAMPLED,
      };
      const context = trace.setSpanContext(ROOT_CONTEXT, spanContext);
      await bus.publishEvent('fills', 'traced', { n: 1 }, { context });
      const [d] = (await bus.fetchEvents('fills', { name: 'contract-trace' }, 1, 1000)) as Delivery[];
      expect(d?.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
      expect(trace.getSpanContext(d!.context)?.traceId).toBe(spanContext.traceId);

      const candles: string[] = [];
      await bus.subscribeMarketData({}, (_m, ctx) => {
        candles.push(trace.getSpanContext(ctx)?.spanId ?? 'none');
      });
      bus.publishMarketData(
        { symbol: 'ETH/BTC', timeframe: '1m', candle: candle(1) },
        { context: trace.setSpanContext(ROOT_CONTEXT, { ...spanContext, spanId: '00f067aa0ba902b7' }) },
      );
      await eventually(() => candles[0], 'the candle');
      expect(candles).toEqual(['00f067aa0ba902b7']);
    });

    it('fans out candles by symbol and timeframe', async () => {
      const { bus, peer } = await open();
      const other = await peer();
      const eth: MarketDataMessage[] = [];
      const all: MarketDataMessage[] = [];
      await other.subscribeMarketData({ symbol: 'ETH/BTC', timeframe: '1m' }, (m) => {
        eth.push(m);
      });
      await other.subscribeMarketData({}, (m) => {
        all.push(m);
      });
      bus.publishMarketData({ symbol: 'LTC/BTC', timeframe: '1m', candle: candle(1) });
      bus.publishMarketData({ symbol: 'ETH/BTC', timeframe: '5m', candle: candle(2) });
      bus.publishMarketData({ symbol: 'ETH/BTC', timeframe: '1m', candle: candle(3) });
      await eventually(() => (all.length === 3 && eth.length === 1 ? true : undefined), 'three candles');
      expect(eth).toEqual([{ symbol: 'ETH/BTC', timeframe: '1m', candle: candle(3) }]);
      expect(all.map((m) => m.candle.t)).toEqual([1, 2, 3]);
    });

    it('answers control requests and carries status reports', async () => {
      const { bus, peer } = await open();
      const operator = await peer();
      await expect(operator.request({ command: 'halt-and-flatten', reason: 'x' }, 1000)).rejects.toThrow();
      const seen: string[] = [];
      await bus.serveControl(async ({ request }) => {
        seen.push(request.command);
        if (request.command === 'halt-and-flatten') return { ok: true, flattened: ['ETH/BTC'] };
        throw new Error('policy rejected');
      });
      expect(await operator.request({ command: 'halt-and-flatten', reason: 'breach' }, 5000)).toEqual({
        ok: true,
        flattened: ['ETH/BTC'],
      });
      const rejected = await operator.request({ command: 'apply-risk-policy', policy: null }, 5000);
      expect(rejected.ok).toBe(false);
      expect(seen).toEqual(['halt-and-flatten', 'apply-risk-policy']);

      const reports: string[] = [];
      await operator.subscribeStatus((r) => {
        reports.push(`${r.healthy}:${r.equity}`);
      });
      bus.publishStatus({ time: '2026-01-01T00:00:00Z', healthy: false, equity: '1.00000001' });
      await eventually(() => reports[0], 'the report');
      expect(reports).toEqual(['false:1.00000001']);
    });
  });
}

function candle(t: number) {
  return { t, open: 0.1, high: 0.2, low: 0.05, close: 0.15, volume: 12.5 };
}
