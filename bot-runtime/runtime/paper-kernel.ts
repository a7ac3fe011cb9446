// The executor's trading kernel on the paper venue: the kernel whose
// strategies answer with the signals the workers sent (RemoteStrategy, through
// the join), on a paper venue whose events the executor hands to the ledger
// (RecordingVenue). Built in one place so the executor and its warm-up
// (warm-up.ts) run the very same objects.
import type { RiskPolicySpec, TradingBotSpec } from '../../crds/index.ts';
import type { Decimal, Instrument } from '../domain/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { Kernel, type StartingPortfolio } from '../kernel/kernel.ts';
import type { RiskSnapshot } from '../risk/snapshot.ts';
import { strategiesFor } from '../strategies/index.ts';
import { PaperVenue } from '../venue/paper/index.ts';
import { RecordingVenue } from './recording-venue.ts';
import { RemoteStrategy, type SignalJoin } from './signals.ts';

export interface PaperKernelOptions {
  readonly bot: TradingBotSpec;
  readonly policy: RiskPolicySpec | undefined;
  readonly markets: readonly { readonly symbol: string; readonly instrument: Instrument }[];
  readonly timeframeMs: number;
  readonly join: SignalJoin;
  readonly clock: Clock;
  /** Seed of the paper venue. */
  readonly seed: number;
  readonly cash: Decimal | undefined;
  readonly startingPortfolio?: StartingPortfolio;
  readonly startingRisk?: RiskSnapshot;
}

export interface PaperKernel {
  readonly venue: RecordingVenue;
  readonly kernel: Kernel;
}

/** A paper venue and a kernel on it, flat or from a starting portfolio and risk state (nothing stepped yet). */
export function paperKernel(o: PaperKernelOptions): PaperKernel {
  const venue = new RecordingVenue(
    new PaperVenue({
      instruments: o.markets.map((m) => m.instrument),
      timeframeMs: o.timeframeMs,
      execution: o.bot.execution,
      seed: o.seed,
    }),
  );
  const kernel = new Kernel({
    bot: o.bot,
    policy: o.policy,
    markets: o.markets,
    timeframeMs: o.timeframeMs,
    venue,
    clock: o.clock,
    cash: o.cash,
    ...(o.startingPortfolio ? { startingPortfolio: o.startingPortfolio } : {}),
    ...(o.startingRisk ? { startingRisk: o.startingRisk } : {}),
    strategyFactory: (symbol) =>
      strategiesFor(o.bot, symbol).map(
        ({ spec, index }) => new RemoteStrategy(spec, index, symbol, o.join, o.join.states.get(spec.name)!),
      ),
  });
  return { venue, kernel };
}
