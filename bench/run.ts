// `npm run bench`: prints one JSON line per figure (docs/benchmarks.md).
//
// Groups, each in its own module: `backtest` (the trading core on one core),
// `status` (the status endpoint under load from other processes), `latency`
// (candle to fill in one process and across NATS between processes; brings the
// test servers up for NATS), and `operator` (the real operator at scale against
// the test servers; left out of the default run because it takes minutes),
// and `wakeup` (the machine's own share of a latency figure: fixed work after
// the thread slept; left out of the default run, it is context, not a target).
// BENCH_ONLY=<group>[,<group>...] runs only those.

interface BenchGroup {
  name: string;
  inDefaultRun: boolean;
  run: () => Promise<unknown>;
}

const groups: BenchGroup[] = [
  { name: 'backtest', inDefaultRun: true, run: async () => (await import('./backtest.ts')).run() },
  { name: 'status', inDefaultRun: true, run: async () => (await import('./status-endpoint.ts')).run() },
  { name: 'latency', inDefaultRun: true, run: async () => (await import('./latency.ts')).run() },
  { name: 'operator', inDefaultRun: false, run: async () => (await import('./operator.ts')).run() },
  { name: 'wakeup', inDefaultRun: false, run: async () => (await import('./wake-up.ts')).run() },
];

const only = process.env.BENCH_ONLY?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = only?.filter((name) => !groups.some((g) => g.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(
    `BENCH_ONLY: unknown group ${unknown.join(', ')} (groups: ${groups.map((g) => g.name).join(', ')})`,
  );
  process.exit(2);
}

for (const group of groups) {
  if (only ? only.includes(group.name) : group.inDefaultRun) await group.run();
}
process.exit(0);
