// Test support: the demo bot's executor (examples/bots/demo.yaml) on an
// in-process bus and a file journal, with the demo's candles and its strategy
// run locally in place of a worker: where the tests that drive an executor
// (step by step, or through the bus) start.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TradingBotSpec } from '../../crds/index.ts';
import { defaultInstrument } from '../backtest/runner.ts';
import { InProcessBus } from '../bus/in-process-bus.ts';
import { type CandleSeries, candleAt, loadCandles } from '../market-data/index.ts';
import { FileLedger } from '../store/file-ledger.ts';
import type { Ledger } from '../store/ledger.ts';
import { createStrategy, type Signal, type Strategy } from '../strategies/index.ts';
import { Executor, type ExecutorOptions } from './executor.ts';
import { loadRunManifest } from './manifest.ts';
import { SignalJoin } from './signals.ts';

const root = join(import.meta.dirname, '..', '..');

export interface DemoExecutor {
  readonly bot: TradingBotSpec;
  readonly series: CandleSeries;
  readonly bus: InProcessBus;
  readonly ledger: FileLedger;
  readonly ledgerPath: string;
  readonly join: SignalJoin;
  readonly executor: Executor;
  /** The demo's strategy, run here as its worker would. */
  readonly strategy: Strategy;
  /** The next candle: the strategy's signal into the join, then the executor's step (resolves once recorded). */
  next(): Promise<Signal>;
  /** Stops the executor, then closes the bus and the journal. */
  close(): Promise<void>;
}

export interface DemoExecutorOptions
  extends Partial<
    Pick<ExecutorOptions, 'onMatched' | 'onError' | 'maxUnwrittenWrites' | 'orderIdPrefix' | 'resume' | 'hot'>
  > {
  /** The journal to open (a fresh one by default). */
  readonly ledgerPath?: string;
  /** Wraps the journal the executor writes to (a test may hold its writes: LedgerGate). */
  readonly wrapLedger?: (ledger: Ledger) => Ledger;
  /** A strategy already under way (its worker was not restarted) instead of a new one. */
  readonly strategy?: Strategy;
  /** The index of the candle `next()` starts at (0). */
  readonly from?: number;
}

/** A new demo executor (not recovered, not started), with `options` over the defaults. */
export async function demoExecutor(options: DemoExecutorOptions = {}): Promise<DemoExecutor> {
  const { wrapLedger, ledgerPath: given, strategy: running, from, ...executorOptions } = options;
  const { bot } = await loadRunManifest(join(root, 'examples', 'bots', 'demo.yaml'));
  const series = loadCandles(join(root, 'examples', 'data', 'ETH-BTC_5m.csv'), { gaps: 'keep' }).series;
  const bus = new InProcessBus();
  const ledgerPath = given ?? join(mkdtempSync(join(tmpdir(), 'botcore-demo-')), 'ledger.jsonl');
  const ledger = await FileLedger.open(ledgerPath);
  const join_ = new SignalJoin(bot);
  const executor = new Executor({
    bus,
    ledger: wrapLedger ? wrapLedger(ledger) : ledger,
    bot,
    markets: [{ symbol: 'ETH/BTC', instrument: defaultInstrument('ETH/BTC') }],
    timeframeMs: series.timeframeMs,
    join: join_,
    ...executorOptions,
  });
  const strategy = running ?? createStrategy(bot.strategies[0]!, 0);
  let i = from ?? 0;
  return {
    bot,
    series,
    bus,
    ledger,
    ledgerPath,
    join: join_,
    executor,
    strategy,
    next: async () => {
      const c = candleAt(series, i++);
      const signal = strategy.onBar(c.t, c.open, c.high, c.low, c.close, c.volume);
      join_.addSignal({ strategy: 'rsi', symbol: 'ETH/BTC', t: c.t, signal, ready: strategy.ready });
      await executor.step('ETH/BTC', c);
      return signal;
    },
    close: async () => {
      await executor.stop();
      await bus.close();
      await ledger.close();
    },
  };
}
