// The machine's own share of a latency figure (BENCH_ONLY=wakeup): one fixed
// piece of work, timed back to back and after the thread has slept for as
// long as the latency bench's closed loop waits between candles (a disk sync)
// and longer. Nothing in the work changes between the rows, so what grows
// with the sleep is the machine waking up: caches, branch predictors and TLB
// refilled after other work (or another guest) ran on the core.
// docs/benchmarks/runtime.md reads the latency figures against it.
//
// The work is decimal.js arithmetic and text, what a fill's booking is made
// of, about 10 µs warm. Knobs: BENCH_WAKEUP_SAMPLES (3,000 per row),
// BENCH_WAKEUP_STEPS (8: the work's size).
import { loadavg } from 'node:os';
import { Decimal } from 'decimal.js';
import type { Figure } from './figure.ts';
import { percentile } from './latency.ts';

const SAMPLES = Number(process.env.BENCH_WAKEUP_SAMPLES ?? 3000);
const STEPS = Number(process.env.BENCH_WAKEUP_STEPS ?? 8);
const WARMUP = 500;
const SLEEPS_US = [0, 300, 2000];

/** The fixed work: a price moved and rounded `STEPS` times, some of it printed. */
function work(i: number): number {
  let price = new Decimal('0.05123').plus(i % 97);
  let printed = 0;
  for (let k = 0; k < STEPS; k++) {
    price = price.times('1.0001').minus('0.00003');
    if (k % 4 === 0) printed += price.toFixed(8).length;
  }
  return printed;
}

const round = (x: number) => Math.round(x * 10) / 10;

export async function run(print: (line: string) => void = console.log): Promise<Figure[]> {
  // Atomics.wait on a value that never changes: the thread sleeps in the kernel for the time asked.
  const idle = new Int32Array(new SharedArrayBuffer(4));
  const figures: Figure[] = [];
  let sink = 0;
  for (const sleepUs of SLEEPS_US) {
    const took: number[] = [];
    for (let i = 0; i < SAMPLES + WARMUP; i++) {
      if (sleepUs > 0) Atomics.wait(idle, 0, 0, sleepUs / 1000);
      const t0 = performance.now();
      sink += work(i);
      const t = (performance.now() - t0) * 1000;
      if (i >= WARMUP) took.push(t);
    }
    took.sort((a, b) => a - b);
    const figure: Figure = {
      name: `latency.machine.fixedWork.after${sleepUs}us`,
      value: round(percentile(took, 99)),
      unit: 'µs',
      p50: round(percentile(took, 50)),
      p90: round(percentile(took, 90)),
      p99: round(percentile(took, 99)),
      samples: took.length,
      sleptBeforeEachUs: sleepUs,
      loadAverage: loadavg().map(round),
      note: 'the same decimal work each time; only the sleep before it changes',
    };
    figures.push(figure);
    print(JSON.stringify(figure));
  }
  if (sink === 0) throw new Error('the work printed nothing');
  return figures;
}

if (import.meta.main) await run();
