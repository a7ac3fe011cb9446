// A stand-in executor process for the SIGKILL test: recovers, then applies
// a deterministic stream of fills that it also produces (republishing from
// the first one after a restart, as a venue adapter re-reporting trades
// would). Prints one JSON line per event; exits 0 once every fill is applied.
// FAULT_HOLD_AT=n holds the ack of the n-th fill, so a kill lands between the
// ledger write and the ack: the fill comes back and must not count twice.
//   FAULT_MODE=nats        NatsBus + MongoLedger + RedisHotState (pods)
//   FAULT_MODE=standalone  InProcessBus + FileLedger + MemoryHotState (botcore run)
import type { Bus } from '../../bot-runtime/bus/bus.ts';
import { InProcessBus } from '../../bot-runtime/bus/in-process-bus.ts';
import { NatsBus } from '../../bot-runtime/bus/nats-bus.ts';
import { FileLedger } from '../../bot-runtime/store/file-ledger.ts';
import type { HotState } from '../../bot-runtime/store/hot-state.ts';
import type { Ledger } from '../../bot-runtime/store/ledger.ts';
import { MemoryHotState } from '../../bot-runtime/store/memory-hot-state.ts';
import { MongoLedger } from '../../bot-runtime/store/mongo-ledger.ts';
import { RedisHotState } from '../../bot-runtime/store/redis-hot-state.ts';
import { type Producer, serverUrl, startExecutor, startProducer, streamFills } from './harness.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

async function main(): Promise<void> {
  const mode = env('FAULT_MODE');
  const total = Number(env('FAULT_TOTAL'));
  const delayMs = Number(env('FAULT_DELAY_MS'));
  const address = { namespace: 'faults', bot: env('FAULT_BOT') };
  let bus: Bus;
  let ledger: Ledger;
  let hot: HotState;
  if (mode === 'nats') {
    bus = await NatsBus.connect({ servers: serverUrl('NATS_URL'), address, name: 'fill-writer' });
    ledger = await MongoLedger.open({ url: serverUrl('MONGODB_URL'), database: env('FAULT_DATABASE') });
    const redis = new RedisHotState({ url: serverUrl('REDIS_URL'), address });
    await redis.ready();
    hot = redis;
  } else {
    bus = new InProcessBus();
    ledger = await FileLedger.open(env('FAULT_LEDGER'));
    hot = new MemoryHotState();
  }
  const fills = streamFills(total);
  let finished: () => void = () => undefined;
  const allApplied = new Promise<void>((resolve) => {
    finished = resolve;
  });
  // FAULT_HOLD_AT=n: after fill n is in the ledger, hold its ack (the test kills us right there).
  const holdAt = Number(process.env.FAULT_HOLD_AT ?? 0);
  let producer: Producer | undefined;
  const executor = await startExecutor({ bus, ledger, hot }, async (applier) => {
    say({ event: 'applied', count: applier.appliedCount });
    if (applier.appliedCount === holdAt) {
      // The venue goes quiet too, so the next run still has fills of its own to trade.
      producer?.stop();
      await new Promise((r) => setTimeout(r, 60_000));
    }
    if (applier.appliedCount === total) finished();
  });
  const { fromLedger, replayed, duplicates } = executor.report;
  say({ event: 'recovered', fromLedger, replayed, duplicates });
  if (executor.applier.appliedCount === total) finished();
  // At most 10 fills ahead of the executor, so a kill lands mid-stream, not after it.
  producer = startProducer(bus, fills, delayMs, (i) => i < executor.applier.appliedCount + 10);
  // Stopped only while holding, where the test kills us: then wait for that.
  await producer.done.catch(() => new Promise(() => undefined));
  await allApplied;
  await executor.stop();
  await bus.close();
  await ledger.close();
  await hot.close();
  say({ event: 'done', errors: executor.errors.length });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
