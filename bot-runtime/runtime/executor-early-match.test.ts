// The executor books fills of working orders as a candle arrives, before the
// strategies' signals for it (Kernel.matchEarly), and only when that candle is
// next in line. Driven three ways over the bus, the same candles must leave the
// same records: stepped directly, each candle before its signal, and candles
// one ahead of their signals (where matching early would skip an order the
// previous candle's decision places).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultInstrument } from '../backtest/runner.ts';
import { InProcessBus } from '../bus/in-process-bus.ts';
import { messageIds } from '../bus/message-ids.ts';
import { publishDurably } from '../bus/publish-durably.ts';
import { type Candle, candleAt, loadCandles } from '../market-data/index.ts';
import { FileLedger } from '../store/file-ledger.ts';
import { createStrategy } from '../strategies/index.ts';
import { publishCandle } from '../telemetry/pipeline.ts';
import { Executor } from './executor.ts';
import { loadRunManifest } from './manifest.ts';
import { SignalJoin, type SignalMessage } from './signals.ts';

const root = join(import.meta.dirname, '..', '..');
const CANDLES = 1000;

type Drive = 'step' | 'candle, then its signal' | 'candles one ahead of their signals';

const turn = () => new Promise((resolve) => setImmediate(resolve));

async function run(drive: Drive) {
  const { bot } = await loadRunManifest(join(root, 'examples', 'bots', 'demo.yaml'));
  const series = loadCandles(join(root, 'examples', 'data', 'ETH-BTC_5m.csv'), { gaps: 'keep' }).series;
  const bus = new InProcessBus();
  const ledger = await FileLedger.open(join(mkdtempSync(join(tmpdir(), 'botcore-early-')), 'ledger.jsonl'));
  const join_ = new SignalJoin(bot);
  const matched: number[] = [];
  const executor = new Executor({
    bus,
    ledger,
    bot,
    markets: [{ symbol: 'ETH/BTC', instrument: defaultInstrument('ETH/BTC') }],
    timeframeMs: series.timeframeMs,
    join: join_,
    onMatched: (_symbol, c) => matched.push(c.t),
  });
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
    await executor.stop();
    await bus.close();
    await ledger.close();
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
    const { bot } = await loadRunManifest(join(root, 'examples', 'bots', 'demo.yaml'));
    const series = loadCandles(join(root, 'examples', 'data', 'ETH-BTC_5m.csv'), { gaps: 'keep' }).series;
    const bus = new InProcessBus();
    const ledger = await FileLedger.open(join(mkdtempSync(join(tmpdir(), 'botcore-early-')), 'ledger.jsonl'));
    const errors: unknown[] = [];
    const executor = new Executor({
      bus,
      ledger,
      bot,
      markets: [{ symbol: 'ETH/BTC', instrument: defaultInstrument('ETH/BTC') }],
      timeframeMs: series.timeframeMs,
      join: new SignalJoin(bot),
      onError: (e) => errors.push(e),
    });
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
      await executor.stop();
      await bus.close();
      await ledger.close();
    }
  });
});
