// Test support: the demo bot's executor (examples/bots/demo.yaml) on an
// in-process bus and a fresh file journal, with the demo's candles: where the
// tests that drive an executor through the bus start.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TradingBotSpec } from '../../crds/index.ts';
import { defaultInstrument } from '../backtest/runner.ts';
import { InProcessBus } from '../bus/in-process-bus.ts';
import { type CandleSeries, loadCandles } from '../market-data/index.ts';
import { FileLedger } from '../store/file-ledger.ts';
import type { Ledger } from '../store/ledger.ts';
import { Executor, type ExecutorOptions } from './executor.ts';
import { loadRunManifest } from './manifest.ts';
import { SignalJoin } from './signals.ts';

const root = join(import.meta.dirname, '..', '..');

export interface DemoExecutor {
  readonly bot: TradingBotSpec;
  readonly series: CandleSeries;
  readonly bus: InProcessBus;
  readonly ledger: FileLedger;
  readonly join: SignalJoin;
  readonly executor: Executor;
  /** Stops the executor, then closes the bus and the journal. */
  close(): Promise<void>;
}

/** A new demo executor (not started), with `options` over the defaults; `wrapLedger` wraps the journal it writes to. */
export async function demoExecutor(
  options: Partial<Pick<ExecutorOptions, 'onMatched' | 'onError' | 'maxUnwrittenWrites'>> & {
    readonly wrapLedger?: (ledger: Ledger) => Ledger;
  } = {},
): Promise<DemoExecutor> {
  const { wrapLedger, ...executorOptions } = options;
  const { bot } = await loadRunManifest(join(root, 'examples', 'bots', 'demo.yaml'));
  const series = loadCandles(join(root, 'examples', 'data', 'ETH-BTC_5m.csv'), { gaps: 'keep' }).series;
  const bus = new InProcessBus();
  const ledger = await FileLedger.open(join(mkdtempSync(join(tmpdir(), 'botcore-demo-')), 'ledger.jsonl'));
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
  return {
    bot,
    series,
    bus,
    ledger,
    join: join_,
    executor,
    close: async () => {
      await executor.stop();
      await bus.close();
      await ledger.close();
    },
  };
}
