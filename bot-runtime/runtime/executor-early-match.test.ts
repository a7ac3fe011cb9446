// The executor books fills of working orders as a candle arrives, before the
// strategies' signals for it (Kernel.matchEarly), and only when that candle is
// next in line. Driven three ways over the bus, the same candles must leave the
// same records: stepped directly, each candle before its signal, and candles
// one ahead of their signals (where matching early would skip an order the
// previous candle's decision places).
import { describe, expect, it } from 'vitest';
import { messageIds } from '../bus/message-ids.ts';
import { publishDurably } from '../bus/publish-durably.ts';
import { type Candle, candleAt } from '../market-data/index.ts';
import { publishCandle } from '../telemetry/pipeline.ts';
import { type DemoExecutor, demoExecutor } from './demo-executor.ts';
import { beforeBatches, LedgerGate } from './ledger-gate.ts';
import type { SignalMessage } from './signals.ts';

const CANDLES = 1000;

type Drive = 'step' | 'candle, then its signal' | 'candles one ahead of their signals';

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** The demo's strategy run here, as its worker would: its signal of a candle, sending it on the bus, waiting for steps. */
function drive(demo: DemoExecutor) {
  const { strategy } = demo;
  const signalOf = (c: Candle): SignalMessage => ({
    strategy: 'rsi',
    symbol: 'ETH/BTC',
    t: c.t,
    signal: strategy.onBar(c.t, c.open, c.high, c.low, c.close, c.volume),
    ready: strategy.ready,
  });
  return {
    signalOf,
    sendSignal: (s: SignalMessage) =>
      publishDurably(demo.bus, 'signals', messageIds.signal(s.strategy, s.symbol, s.t), s),
    publish: (i: number) =>
      publishCandle(demo.bus, { symbol: 'ETH/BTC', timeframe: '5m', candle: candleAt(demo.series, i) }),
    /** Until the kernel has stepped `n` candles. */
    stepped: async (n: number) => {
      while (demo.executor.kernel.candles < n) await turn();
    },
  };
}

async function run(drive_: Drive) {
  const matched: number[] = [];
  const demo = await demoExecutor({ onMatched: (_symbol, c) => matched.push(c.t) });
  const { series, ledger, executor } = demo;
  const { signalOf, sendSignal, publish, stepped } = drive(demo);
  /** Fills booked between a candle's arrival and its signal, and candles stepped in that time. */
  let fillsBeforeSignals = 0;
  let steppedBeforeSignals = 0;
  try {
    await executor.recover();
    if (drive_ === 'step') {
      for (let i = 0; i < CANDLES; i++) await demo.next();
    } else {
      await executor.start();
      const ahead = drive_ === 'candle, then its signal' ? 0 : 1;
      for (let i = 0; i < CANDLES; i++) {
        const fills = executor.kernel.fillCount;
        const candles = executor.kernel.candles;
        if (i === 0 || ahead === 0) publish(i);
        if (ahead === 1 && i + 1 < CANDLES) publish(i + 1);
        await turn();
        fillsBeforeSignals += executor.kernel.fillCount - fills;
        steppedBeforeSignals += executor.kernel.candles - candles;
        await sendSignal(signalOf(candleAt(series, i)));
        await stepped(i + 1);
        await executor.settle();
      }
    }
    await executor.settle();
    const k = executor.kernel;
    return {
      records: JSON.stringify([k.orders, k.fills, k.trades, k.risk.denials]),
      ledgerFills: (await ledger.fills()).map((f) => `${f.fillId} ${f.price} ${f.quantity} ${f.ts}`),
      fills: k.fillCount,
      fillsBeforeSignals,
      steppedBeforeSignals,
      matched,
    };
  } finally {
    await demo.close();
  }
}

describe('Executor: fills as the candle arrives', () => {
  it('books every fill before the candle’s signals when the candle is next in line, and records what a plain step records', async () => {
    const plain = await run('step');
    const early = await run('candle, then its signal');
    expect(plain.fills).toBeGreaterThan(10);
    expect(plain.matched).toEqual([]);
    // Every fill was booked (and handed to the ledger) before its candle's signal, in no candle's step.
    expect(early.fillsBeforeSignals).toBe(early.fills);
    expect(early.steppedBeforeSignals).toBe(0);
    expect(early.matched.length).toBeGreaterThan(0);
    expect(early.matched.length).toBeLessThanOrEqual(early.fills);
    expect(early.records).toBe(plain.records);
    expect(early.ledgerFills).toEqual(plain.ledgerFills);
  }, 60_000);

  it('does not match a candle early while an earlier one waits for its signals', async () => {
    const plain = await run('step');
    const ahead = await run('candles one ahead of their signals');
    expect(ahead.matched).toEqual([]);
    expect(ahead.records).toBe(plain.records);
    expect(ahead.ledgerFills).toEqual(plain.ledgerFills);
  }, 60_000);
});

describe('Executor: an early match that throws', () => {
  it('is reported as a failed step is: onError and failure', async () => {
    const errors: unknown[] = [];
    const { bus, series, executor, close } = await demoExecutor({ onError: (e) => errors.push(e) });
    try {
      await executor.start();
      const broken = new Error('the venue broke');
      Object.assign(executor.kernel, {
        matchEarly: () => {
          throw broken;
        },
      });
      publishCandle(bus, { symbol: 'ETH/BTC', timeframe: '5m', candle: candleAt(series, 0) });
      expect(errors).toEqual([broken]);
      expect(executor.failure).toBe(broken);
    } finally {
      await close();
    }
  });
});

describe('Executor: no early match while the ledger holds steps back', () => {
  it('leaves a fill to its candle’s step while as many writes as allowed wait for the ledger', async () => {
    const gate = new LedgerGate();
    const matched: number[] = [];
    const demo = await demoExecutor({
      maxUnwrittenWrites: 1,
      onMatched: (_symbol, c) => matched.push(c.t),
      // The journal takes nothing while the gate is held.
      wrapLedger: gate.wrap,
    });
    const { series, executor } = demo;
    const { signalOf, sendSignal, publish, stepped } = drive(demo);
    try {
      await executor.start();
      // Candles with their signals, each step's writes held until it is known whether it placed an order.
      let i = 0;
      for (; ; i++) {
        const orders = executor.kernel.orderCount;
        gate.hold();
        publish(i);
        await turn();
        await sendSignal(signalOf(candleAt(series, i)));
        await stepped(i + 1);
        if (executor.kernel.orderCount > orders) break;
        gate.release();
        await executor.settle();
      }
      // Candle i placed a market order, which fills at the next candle's open; its writes are still
      // held. A turn lets the executor's loop finish the step, so only the ledger holds the match back.
      await turn();
      const fills = executor.kernel.fillCount;
      publish(i + 1);
      await turn();
      expect(executor.kernel.fillCount).toBe(fills);
      gate.release();
      await sendSignal(signalOf(candleAt(series, i + 1)));
      await stepped(i + 2);
      await executor.settle();
      // Booked by the step instead.
      expect(executor.kernel.fillCount).toBeGreaterThan(fills);
      expect(matched).not.toContain(candleAt(series, i + 1).t);
    } finally {
      gate.release();
      await demo.close();
    }
  }, 60_000);
});

describe('Executor: a candle whose signals follow at once', () => {
  it('writes its early fills with its step’s records, in one batch after the step', async () => {
    const batches: { fills: number; equity: number }[] = [];
    const matched: number[] = [];
    const demo = await demoExecutor({
      onMatched: (_symbol, c) => matched.push(c.t),
      wrapLedger: (ledger) =>
        beforeBatches(ledger, (batch) =>
          batches.push({ fills: batch.fills?.length ?? 0, equity: batch.equity?.length ?? 0 }),
        ),
    });
    const { series, executor } = demo;
    const { signalOf, sendSignal, publish, stepped } = drive(demo);
    try {
      await executor.start();
      for (let i = 0; i < 300; i++) {
        publish(i);
        // In the same turn, as a strategy worker in the same process answers the candle.
        void sendSignal(signalOf(candleAt(series, i)));
        await stepped(i + 1);
        await executor.settle();
      }
      expect(matched.length).toBeGreaterThan(0);
      const withFills = batches.filter((b) => b.fills > 0);
      expect(withFills.length).toBeGreaterThanOrEqual(matched.length);
      // No batch of a match's records alone: each went with its step's equity point.
      expect(withFills.filter((b) => b.equity === 0)).toEqual([]);
    } finally {
      await demo.close();
    }
  });
});
