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
import { createStrategy } from '../strategies/index.ts';
import { publishCandle } from '../telemetry/pipeline.ts';
import { demoExecutor } from './demo-executor.ts';
import type { SignalMessage } from './signals.ts';

const CANDLES = 1000;

type Drive = 'step' | 'candle, then its signal' | 'candles one ahead of their signals';

const turn = () => new Promise((resolve) => setImmediate(resolve));

async function run(drive: Drive) {
  const matched: number[] = [];
  const demo = await demoExecutor({ onMatched: (_symbol, c) => matched.push(c.t) });
  const { bot, series, bus, ledger, join: join_, executor } = demo;
  const strategy = createStrategy(bot.strategies[0]!, 0);
  const signalOf = (c: Candle): SignalMessage => ({
    strategy: 'rsi',
    symbol: 'ETH/BTC',
    t: c.t,
    signal: strategy.onBar(c.t, c.open, c.high, c.low, c.close, c.volume),
    ready: strategy.ready,
  });
  const sendSignal = (s: SignalMessage) =>
    publishDurably(bus, 'signals', messageIds.signal(s.strategy, s.symbol, s.t), s);
  const stepped = async (n: number) => {
    while (executor.kernel.candles < n) await turn();
  };
  /** Fills booked between a candle's arrival and its signal, and candles stepped in that time. */
  let fillsBeforeSignals = 0;
  let steppedBeforeSignals = 0;
  try {
    await executor.recover();
    if (drive === 'step') {
      for (let i = 0; i < CANDLES; i++) {
        const c = candleAt(series, i);
        join_.addSignal(signalOf(c));
        await executor.step('ETH/BTC', c);
      }
    } else {
      await executor.start();
      const ahead = drive === 'candle, then its signal' ? 0 : 1;
      for (let i = 0; i < CANDLES; i++) {
        const fills = executor.kernel.fillCount;
        const candles = executor.kernel.candles;
        const publish = (n: number) =>
          publishCandle(bus, { symbol: 'ETH/BTC', timeframe: '5m', candle: candleAt(series, n) });
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
